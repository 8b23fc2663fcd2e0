// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IConsensusVerifier} from "../../src/interfaces/IConsensusVerifier.sol";
import {IRewardDistributor} from "../../src/interfaces/IRewardDistributor.sol";
import {ITaskManager} from "../../src/interfaces/ITaskManager.sol";
import {Fees} from "../../src/libraries/Fees.sol";
import {ProtocolFixture} from "../utils/ProtocolFixture.sol";

/// @notice Two colluders drawn onto the same shard reveal the same bad result, win it by majority
/// and are paid at once. The referee's audit of accepted shards finds them out afterwards and slashes
/// them, but they kept the reward of the very result it caught (and every other unclaimed one).
/// Now a slash also forfeits the provider's unclaimed earnings, burnt with the slashed stake.
contract AuditedWinnersKeepPayTest is ProtocolFixture {
    uint256 internal taskId;

    function setUp() public {
        _deploy();
        ITaskManager.TaskParams memory p = _params();
        p.shards = 1;
        p.replication = 3;
        taskId = _startTask(p, 3);
    }

    function test_attack_anAuditedColluderLosesTheRewardOfTheResultTheAuditCaught() public {
        int32[] memory honest = _fp(1, 16);
        int32[] memory bad = _shifted(honest, 1_000_000);
        int32[][] memory fps = new int32[][](3);
        (fps[0], fps[1], fps[2]) = (honest, bad, bad);
        assertTrue(_runShard(taskId, 0, 0, fps), "the colluders' majority wins the shard");
        address[] memory a = _assignees(taskId, 0, 0);
        assertEq(distributor.claimableOf(a[1]), REWARD, "and is paid");
        uint256 supply = token.totalSupply();
        IConsensusVerifier.ResultRef memory ref1 = IConsensusVerifier.ResultRef(taskId, 0, 0, 0, 1);
        IConsensusVerifier.ResultRef memory ref2 = IConsensusVerifier.ResultRef(taskId, 0, 0, 0, 2);

        vm.expectEmit(address(distributor));
        emit IRewardDistributor.EarningsForfeited(a[1], REWARD);
        vm.startPrank(referee);
        verifier.slash(ref1, IConsensusVerifier.SlashReason.RefereeDisagrees, "audit", address(0));
        verifier.slash(ref2, IConsensusVerifier.SlashReason.RefereeDisagrees, "audit", address(0));
        vm.stopPrank();

        assertEq(distributor.claimableOf(a[1]), 0, "the first colluder's reward is gone");
        assertEq(distributor.claimableOf(a[2]), 0, "and the second's");
        assertEq(
            token.totalSupply(), supply - 2 * (MIN_STAKE + REWARD + Fees.RESULT_FEE), "burnt with their stakes and fees"
        );
        vm.expectRevert(IRewardDistributor.NothingToClaim.selector);
        vm.prank(a[1]);
        distributor.claim();
    }
}
