// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {Test} from "forge-std/Test.sol";
import {MLBToken} from "../../src/MLBToken.sol";

/// @dev Drives the token through faucet calls and transfers among a fixed set of actors, and keeps
/// ghost totals the invariants compare against.
contract MLBTokenHandler is Test {
    MLBToken public immutable token;
    address[] internal actors;

    uint256 public ghostFaucetMinted;
    uint256 public ghostFaucetCalls;

    constructor(MLBToken token_, address[] memory actors_) {
        token = token_;
        actors = actors_;
    }

    function faucet(uint256 actorSeed) external {
        address actor = _actor(actorSeed);
        vm.prank(actor);
        token.faucet();
        ghostFaucetMinted += token.FAUCET_AMOUNT();
        ghostFaucetCalls++;
    }

    function transfer(uint256 fromSeed, uint256 toSeed, uint256 amount) external {
        address from = _actor(fromSeed);
        address to = _actor(toSeed);
        amount = bound(amount, 0, token.balanceOf(from));
        vm.prank(from);
        assertTrue(token.transfer(to, amount));
    }

    function actorCount() external view returns (uint256) {
        return actors.length;
    }

    function actorAt(uint256 i) external view returns (address) {
        return actors[i];
    }

    function _actor(uint256 seed) internal view returns (address) {
        return actors[bound(seed, 0, actors.length - 1)];
    }
}

contract MLBTokenInvariantTest is Test {
    uint256 internal constant INITIAL_SUPPLY = 1_000_000e18;

    MLBToken internal token;
    MLBTokenHandler internal handler;

    function setUp() public {
        vm.chainId(31_337);
        address[] memory actors = new address[](4);
        actors[0] = makeAddr("holder");
        actors[1] = makeAddr("alice");
        actors[2] = makeAddr("bob");
        actors[3] = makeAddr("carol");

        token = new MLBToken(actors[0], INITIAL_SUPPLY);
        handler = new MLBTokenHandler(token, actors);

        targetContract(address(handler));
        bytes4[] memory selectors = new bytes4[](2);
        selectors[0] = MLBTokenHandler.faucet.selector;
        selectors[1] = MLBTokenHandler.transfer.selector;
        targetSelector(FuzzSelector({addr: address(handler), selectors: selectors}));
    }

    /// Supply only grows through the faucet.
    function invariant_totalSupplyIsInitialPlusFaucet() public view {
        assertEq(token.totalSupply(), INITIAL_SUPPLY + handler.ghostFaucetMinted());
    }

    /// Tokens never leave the actor set, so their balances account for the whole supply.
    function invariant_actorBalancesSumToTotalSupply() public view {
        uint256 sum;
        for (uint256 i; i < handler.actorCount(); ++i) {
            sum += token.balanceOf(handler.actorAt(i));
        }
        assertEq(sum, token.totalSupply());
    }

    function afterInvariant() public view {
        assertEq(handler.ghostFaucetMinted(), handler.ghostFaucetCalls() * token.FAUCET_AMOUNT());
    }
}
