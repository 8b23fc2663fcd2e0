// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IModelRegistry} from "../../src/interfaces/IModelRegistry.sol";
import {ProtocolFixture} from "../utils/ProtocolFixture.sol";

/// @notice Finding 1, two Sybils install any model: any two accounts that merely joined a task
/// proposed and confirmed an arbitrary version in the block the round was decided, and with one
/// confirmation it became the head at once. Now only the round's winners sign a version, and
/// finality needs a majority of them (equal locked stake each) whatever the task's setting says,
/// whether their signatures come with the proposal or later.
contract SybilVersionTest is ProtocolFixture {
    uint256 internal taskId;
    uint256 internal modelId;
    uint256 internal genesis;

    function setUp() public {
        _deploy();
        // Six providers, two shards of two replicas: at most four win, at least two do not.
        taskId = _startTask(_params(), 6);
        modelId = tm.getTask(taskId).modelId;
        genesis = registry.getModel(modelId).head;
        _runRound(taskId, 0, 2);
    }

    /// The providers of the task that won (or did not win) round 0.
    function _split() internal returns (address[] memory winners, address[] memory others) {
        winners = _roundWinners(taskId, 0, 2);
        others = new address[](6);
        uint256 o;
        for (uint256 i = 0; i < 6; ++i) {
            address p = _provider(i);
            bool won;
            for (uint256 j = 0; j < winners.length; ++j) {
                if (winners[j] == p) won = true;
            }
            if (!won) others[o++] = p;
        }
        assembly ("memory-safe") {
            mstore(others, o)
        }
    }

    function _propose(address aggregator) internal returns (uint256) {
        return _proposeVersion(taskId, 0, genesis, aggregator, keccak256("any model the Sybils like"));
    }

    function proposeAs(address aggregator) external returns (uint256) {
        return _propose(aggregator);
    }

    function confirmAs(uint256 versionId, address confirmer) external {
        _confirmVersion(versionId, confirmer);
    }

    function test_attack_nonWinnersCannotPropose() public {
        (, address[] memory others) = _split();
        assertGe(others.length, 2);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.NotRoundWinner.selector, taskId, 0, others[0]));
        this.proposeAs(others[0]);
        assertEq(registry.getModel(modelId).head, genesis);
    }

    function test_attack_nonWinnersCannotConfirm() public {
        (address[] memory winners, address[] memory others) = _split();
        uint256 versionId = _propose(winners[0]);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.NotRoundWinner.selector, taskId, 0, others[0]));
        this.confirmAs(versionId, others[0]);
        assertEq(registry.getModel(modelId).head, genesis);
    }

    function test_attack_aMinorityOfWinnersCannotFinalize() public {
        (address[] memory winners,) = _split();
        uint256 w = winners.length;
        assertGe(w, 3);
        // The task asks for one confirmation; a majority of winners must sign all the same.
        assertEq(tm.getTask(taskId).confirmations, 1);
        uint256 versionId = _propose(winners[0]);
        assertEq(registry.getVersion(versionId).requiredSigners, w / 2 + 1);
        for (uint256 i = 1; i < w / 2; ++i) {
            _confirmVersion(versionId, winners[i]);
        }
        // Aggregator plus w/2 - 1 others is not a majority yet.
        assertEq(uint8(registry.getVersion(versionId).status), uint8(IModelRegistry.VersionStatus.Proposed));
        _confirmVersion(versionId, winners[w / 2]);
        assertEq(uint8(registry.getVersion(versionId).status), uint8(IModelRegistry.VersionStatus.Final));
        assertEq(registry.getModel(modelId).head, versionId);
    }

    /// A batch of half the winners (not a strict majority) stays proposed; more signatures,
    /// submitted by anyone, finalize it.
    function test_attack_aBatchedMinorityStaysProposedUntilMoreSign() public {
        (address[] memory winners,) = _split();
        uint256 w = winners.length;
        IModelRegistry.Proposal memory p = _proposal(taskId, 0, genesis, keccak256("honest"));
        address[] memory half = new address[](w / 2);
        address[] memory rest = new address[](w - w / 2);
        for (uint256 i = 0; i < w; ++i) {
            if (i < w / 2) half[i] = winners[i];
            else rest[i - w / 2] = winners[i];
        }
        uint256 versionId = _proposeSigned(p, winners[0], half);
        assertEq(registry.getVersion(versionId).signers, w / 2);
        assertEq(uint8(registry.getVersion(versionId).status), uint8(IModelRegistry.VersionStatus.Proposed));
        assertEq(registry.getModel(modelId).head, genesis);
        (address[] memory sorted, bytes[] memory signatures) = _signAll(p, rest);
        registry.confirm(versionId, p.data, sorted, signatures);
        assertEq(registry.getVersion(versionId).signers, w);
        assertEq(registry.getModel(modelId).head, versionId);
    }

    function test_attack_creatorCannotMoveTheHeadOfARunningTask() public {
        (address[] memory winners,) = _split();
        uint256 versionId = _propose(winners[0]);
        for (uint256 i = 1; i <= winners.length / 2; ++i) {
            _confirmVersion(versionId, winners[i]);
        }
        assertEq(registry.getModel(modelId).head, versionId);
        uint256[] memory path = new uint256[](1);
        path[0] = genesis;
        vm.prank(creator);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.TaskModelLocked.selector, modelId, taskId));
        registry.rollback(modelId, path);
        assertEq(registry.getModel(modelId).head, versionId);
    }
}
