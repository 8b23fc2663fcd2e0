// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ITaskManager} from "../../src/interfaces/ITaskManager.sol";
import {ProtocolFixture} from "../utils/ProtocolFixture.sol";

/// @notice A creator paid by its providers' misses. A provider that did not reveal forfeited its
/// liveness deposit into the task's escrow, and whatever escrow is left when a task ends goes back
/// to its creator. A hostile creator that withheld its data set (or set windows too short to train
/// in) made every drawn provider miss and collected their deposits with its refund. The deposit is
/// now burnt: missing still costs more than being outvoted, and nobody gains from it. The escrow
/// needs no top-up, since it already covers the largest accepted cluster of every shard and round.
contract ProfitableNoShowsTest is ProtocolFixture {
    function test_attack_theCreatorGainsNothingFromMissedResults() public {
        _deploy();
        ITaskManager.TaskParams memory p = _params();
        p.shards = 1;
        uint256 taskId = _startTask(p, 3);
        uint256 escrowBefore = distributor.escrowOf(taskId);
        uint256 supplyBefore = token.totalSupply();
        (,,,, uint64 revealDeadline,,) = verifier.assignment(taskId, 0, 0);
        vm.warp(revealDeadline);
        // The data never came: neither drawn provider could train, so neither revealed.
        assertFalse(_finalize(taskId, 0, 0, new int32[][](2)));
        assertEq(distributor.escrowOf(taskId), escrowBefore, "the creator's escrow grew by its providers' deposits");
        assertEq(token.totalSupply(), supplyBefore - 2 * p.rewardPerResult, "the two deposits are burnt");
    }
}
