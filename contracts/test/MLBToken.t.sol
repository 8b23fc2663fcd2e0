// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {Test} from "forge-std/Test.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {MLBToken} from "../src/MLBToken.sol";
import {IMLBToken} from "src/interfaces/IMLBToken.sol";

contract MLBTokenTest is Test {
    uint256 internal constant INITIAL_SUPPLY = 1_000_000e18;
    bytes32 internal constant PERMIT_TYPEHASH =
        keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)");

    MLBToken internal token;
    address internal holder = makeAddr("holder");
    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");

    function setUp() public {
        vm.chainId(31_337);
        token = new MLBToken(holder, INITIAL_SUPPLY);
    }

    // ---------------------------------------------------------------- constructor

    function test_constructor_setsMetadata() public view {
        assertEq(token.name(), "ML Bridge");
        assertEq(token.symbol(), "MLB");
        assertEq(token.decimals(), 18);
    }

    function test_constructor_mintsInitialSupplyToHolder() public view {
        assertEq(token.totalSupply(), INITIAL_SUPPLY);
        assertEq(token.balanceOf(holder), INITIAL_SUPPLY);
    }

    function test_constructor_revertsWhenHolderIsZero() public {
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InvalidReceiver.selector, address(0)));
        new MLBToken(address(0), INITIAL_SUPPLY);
    }

    // ---------------------------------------------------------------- faucet

    function test_faucet_mintsFixedAmountOnLocalChain() public {
        vm.prank(alice);
        token.faucet();

        assertEq(token.balanceOf(alice), token.FAUCET_AMOUNT());
        assertEq(token.totalSupply(), INITIAL_SUPPLY + token.FAUCET_AMOUNT());
    }

    function test_faucet_emitsTransferAndDrip() public {
        uint256 amount = token.FAUCET_AMOUNT();
        vm.expectEmit(address(token));
        emit IERC20.Transfer(address(0), alice, amount);
        vm.expectEmit(address(token));
        emit IMLBToken.FaucetDrip(alice, amount);

        vm.prank(alice);
        token.faucet();
    }

    function test_faucet_allowsRepeatedCalls() public {
        vm.startPrank(alice);
        token.faucet();
        token.faucet();
        token.faucet();
        vm.stopPrank();

        assertEq(token.balanceOf(alice), 3 * token.FAUCET_AMOUNT());
    }

    function test_faucet_revertsOnMainnet() public {
        vm.chainId(1);
        vm.expectRevert(abi.encodeWithSelector(IMLBToken.FaucetDisabled.selector, 1));
        vm.prank(alice);
        token.faucet();
    }

    function testFuzz_faucet_revertsOnAnyOtherChain(uint256 chainId) public {
        // vm.chainId accepts at most 2^64 - 1 (EIP-2294).
        chainId = bound(chainId, 1, type(uint64).max);
        vm.assume(chainId != token.LOCAL_CHAIN_ID());
        vm.chainId(chainId);

        vm.expectRevert(abi.encodeWithSelector(IMLBToken.FaucetDisabled.selector, chainId));
        vm.prank(alice);
        token.faucet();
        assertEq(token.balanceOf(alice), 0);
    }

    // ---------------------------------------------------------------- transfer

    function testFuzz_transfer_movesBalance(uint256 amount) public {
        amount = bound(amount, 0, INITIAL_SUPPLY);

        vm.prank(holder);
        assertTrue(token.transfer(bob, amount));

        assertEq(token.balanceOf(bob), amount);
        assertEq(token.balanceOf(holder), INITIAL_SUPPLY - amount);
        assertEq(token.totalSupply(), INITIAL_SUPPLY);
    }

    function test_transfer_revertsWhenBalanceTooLow() public {
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InsufficientBalance.selector, alice, 0, uint256(1)));
        vm.prank(alice);
        // forge-lint: disable-next-line(erc20-unchecked-transfer)
        token.transfer(bob, 1);
    }

    // ---------------------------------------------------------------- permit

    function test_permit_setsAllowanceFromSignature() public {
        (address owner, uint256 key) = makeAddrAndKey("owner");
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = _signPermit(key, owner, bob, 5e18, 0, deadline);

        token.permit(owner, bob, 5e18, deadline, v, r, s);

        assertEq(token.allowance(owner, bob), 5e18);
        assertEq(token.nonces(owner), 1);
    }

    function test_permit_revertsWhenExpired() public {
        (address owner, uint256 key) = makeAddrAndKey("owner");
        uint256 deadline = block.timestamp;
        (uint8 v, bytes32 r, bytes32 s) = _signPermit(key, owner, bob, 5e18, 0, deadline);
        vm.warp(deadline + 1);

        vm.expectRevert(abi.encodeWithSelector(ERC20Permit.ERC2612ExpiredSignature.selector, deadline));
        token.permit(owner, bob, 5e18, deadline, v, r, s);
    }

    function test_permit_revertsWhenSignedByAnotherKey() public {
        (address owner,) = makeAddrAndKey("owner");
        (address mallory, uint256 malloryKey) = makeAddrAndKey("mallory");
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = _signPermit(malloryKey, owner, bob, 5e18, 0, deadline);

        vm.expectRevert(abi.encodeWithSelector(ERC20Permit.ERC2612InvalidSigner.selector, mallory, owner));
        token.permit(owner, bob, 5e18, deadline, v, r, s);
    }

    function _signPermit(uint256 key, address owner, address spender, uint256 value, uint256 nonce, uint256 deadline)
        internal
        view
        returns (uint8 v, bytes32 r, bytes32 s)
    {
        bytes32 structHash = keccak256(abi.encode(PERMIT_TYPEHASH, owner, spender, value, nonce, deadline));
        bytes32 digest = keccak256(abi.encodePacked("\x19\x01", token.DOMAIN_SEPARATOR(), structHash));
        (v, r, s) = vm.sign(key, digest);
    }
}
