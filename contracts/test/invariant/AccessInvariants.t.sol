// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ConsensusVerifier} from "../../src/ConsensusVerifier.sol";
import {IConsensusVerifier} from "../../src/interfaces/IConsensusVerifier.sol";
import {ITaskManager} from "../../src/interfaces/ITaskManager.sol";
import {ModelRegistry} from "../../src/ModelRegistry.sol";
import {ProtocolFixture} from "../utils/ProtocolFixture.sol";
import {IModelRegistry} from "../../src/interfaces/IModelRegistry.sol";

/// @dev Calls every privileged function from random senders that hold no role; counts successes.
contract AccessHandler is ProtocolFixture {
    uint256 internal constant FUNCTIONS = 25;

    uint256 public taskId;
    uint256 public ghostUnauthorizedSuccesses;
    uint256 public ghostAttempts;
    mapping(address => bool) internal privileged;

    constructor() {
        _deploy();
        taskId = _startTask(_params(), 3);
        _runShard(taskId, 0, 0, _pair(_fp(1, 16), _fp(1, 16)));
        privileged[admin] = true;
        privileged[creator] = true;
        privileged[referee] = true;
        privileged[address(tm)] = true;
        privileged[address(verifier)] = true;
        privileged[address(registry)] = true;
        privileged[address(distributor)] = true;
        privileged[address(challenges)] = true;
    }

    function callPrivileged(address sender, uint256 which, uint256 arg) external {
        if (privileged[sender]) return;
        which = bound(which, 0, FUNCTIONS - 1);
        ghostAttempts++;
        vm.startPrank(sender);
        if (_call(which, sender, arg)) ghostUnauthorizedSuccesses++;
        vm.stopPrank();
    }

    function _call(uint256 which, address sender, uint256 arg) internal returns (bool ok) {
        address[] memory none = new address[](0);
        address[] memory self = new address[](1);
        self[0] = sender;
        uint256 modelId = tm.getTask(taskId).modelId;
        if (which == 0) {
            try distributor.depositEscrow(taskId, creator, 1 + (arg % 1e18)) {
                ok = true;
            } catch {}
        } else if (which == 1) {
            try distributor.refundEscrow(taskId, sender) {
                ok = true;
            } catch {}
        } else if (which == 2) {
            try distributor.settle(taskId, arg % 1e18, 0, self, none, none) {
                ok = true;
            } catch {}
        } else if (which == 3) {
            try distributor.slash(_provider(arg % 3), arg, arg, sender) {
                ok = true;
            } catch {}
        } else if (which == 4) {
            try distributor.grantRole(distributor.SETTLER_ROLE(), sender) {
                ok = true;
            } catch {}
        } else if (which == 5) {
            try tm.grantRole(bytes32(0), sender) {
                ok = true;
            } catch {}
        } else if (which == 6) {
            try tm.setVerifier(IConsensusVerifier(sender)) {
                ok = true;
            } catch {}
        } else if (which == 7) {
            try tm.cancel(taskId) {
                ok = true;
            } catch {}
        } else if (which == 8) {
            try verifier.slash(
                IConsensusVerifier.ResultRef(taskId, 0, 0, 0, arg % 2),
                IConsensusVerifier.SlashReason.RefereeDisagrees,
                bytes32(arg),
                sender
            ) {
                ok = true;
            } catch {}
        } else if (which == 9) {
            IConsensusVerifier.RoundConfig memory config;
            config.active = true;
            try verifier.onRoundStarted(taskId, config, arg) {
                ok = true;
            } catch {}
        } else if (which == 10) {
            try verifier.onTaskClosed(taskId, arg) {
                ok = true;
            } catch {}
        } else if (which == 11) {
            try registry.registerTaskModel(
                sender, taskId, hex"01", bytes32(arg), bytes32(0), 0, _genesisData(_params())
            ) {
                ok = true;
            } catch {}
        } else if (which == 12) {
            try registry.resolveChallenge(arg % 4, arg % 2 == 0, CLAIM) {
                ok = true;
            } catch {}
        } else if (which == 13) {
            try registry.setTaskManager(ITaskManager(sender)) {
                ok = true;
            } catch {}
        } else if (which == 14) {
            uint256[] memory path = new uint256[](1);
            path[0] = 1;
            try registry.rollback(modelId, path) {
                ok = true;
            } catch {}
        } else if (which == 15) {
            IModelRegistry.VersionData memory d;
            d.modelCid = hex"01";
            try registry.merge(modelId, 1, d) {
                ok = true;
            } catch {}
        } else if (which == 16) {
            try distributor.lockStake(_provider(arg % 3), taskId, 1 + (arg % 1e18)) {
                ok = true;
            } catch {}
        } else if (which == 17) {
            try distributor.releaseStake(_provider(arg % 3), taskId) {
                ok = true;
            } catch {}
        } else if (which == 18) {
            try distributor.holdBond(bytes32(arg), sender, 1 + (arg % 1e18)) {
                ok = true;
            } catch {}
        } else if (which == 19) {
            try distributor.forfeitBond(bytes32(arg), sender) {
                ok = true;
            } catch {}
            try distributor.releaseBond(bytes32(arg), sender) {
                ok = true;
            } catch {}
        } else if (which == 20) {
            try tm.pause() {
                ok = true;
            } catch {}
        } else if (which == 21) {
            try challenges.resolve(
                IConsensusVerifier.ResultRef(taskId, 0, 0, 0, arg % 2),
                arg % 2 == 0,
                IConsensusVerifier.SlashReason.RefereeDisagrees,
                bytes32(arg),
                CLAIM
            ) {
                ok = true;
            } catch {}
        } else if (which == 22) {
            try tm.onVersionFinal(taskId, 0, 1 + arg % 8) {
                ok = true;
            } catch {}
        } else if (which == 23) {
            try tm.holdRound(taskId, 0, uint64(arg), arg, arg % 2 == 0) {
                ok = true;
            } catch {}
        } else {
            try verifier.grantRole(verifier.REFEREE_ROLE(), sender) {
                ok = true;
            } catch {}
        }
    }
}

contract AccessInvariantTest is ProtocolFixture {
    AccessHandler internal handler;

    function setUp() public {
        handler = new AccessHandler();
        targetContract(address(handler));
        bytes4[] memory selectors = new bytes4[](1);
        selectors[0] = AccessHandler.callPrivileged.selector;
        targetSelector(FuzzSelector({addr: address(handler), selectors: selectors}));
    }

    /// Every privileged function reverts for senders without the role (or ownership) it needs.
    function invariant_privilegedFunctionsRevertForRandomSenders() public view {
        assertEq(handler.ghostUnauthorizedSuccesses(), 0);
    }
}
