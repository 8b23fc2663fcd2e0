// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IModelRegistry} from "../../src/interfaces/IModelRegistry.sol";
import {ProtocolFixture} from "../utils/ProtocolFixture.sol";

/// @notice A flood of forgeries. Each proposed version needs its own bonded challenge and its own
/// verdict, and one that nobody challenged becomes final after its quiet window. A minority winner
/// proposed the same forged round again and again (one signature each, its own), so the honest
/// winners had to bond the task's stake once per copy, at once, or let a copy through. One upheld
/// verdict slashed it once; its later copies found nothing left to take. An aggregator now
/// proposes at most once per round: the copies a minority can make are as many as its winners.
contract ProposalFloodTest is ProtocolFixture {
    function test_attack_aWinnerProposesOncePerRound() public {
        _deploy();
        uint256 taskId = _startTask(_params(), 4);
        uint256 genesis = registry.getModel(tm.getTask(taskId).modelId).head;
        _runRound(taskId, 0, 2);
        address[] memory winners = _roundWinners(taskId, 0, 2);
        _proposeVersion(taskId, 0, genesis, winners[0], keccak256("forged"));
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.AlreadyProposed.selector, taskId, 0, winners[0]));
        this.proposeAgain(taskId, genesis, winners[0], keccak256("forged again"));
        assertEq(registry.proposedRound(taskId, winners[0]), 1);
        // Another winner still proposes its own.
        _proposeVersion(taskId, 0, genesis, winners[1], keccak256("honest"));
    }

    /// An external call, so that `expectRevert` sees the proposal's revert.
    function proposeAgain(uint256 taskId, uint256 parent, address aggregator, bytes32 commitHash) external {
        _proposeVersion(taskId, 0, parent, aggregator, commitHash);
    }
}
