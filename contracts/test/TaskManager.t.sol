// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IConsensusVerifier} from "../src/interfaces/IConsensusVerifier.sol";
import {IModelRegistry} from "../src/interfaces/IModelRegistry.sol";
import {IRewardDistributor} from "../src/interfaces/IRewardDistributor.sol";
import {ITaskManager} from "../src/interfaces/ITaskManager.sol";
import {TaskManager} from "../src/TaskManager.sol";
import {ProtocolFixture} from "./utils/ProtocolFixture.sol";
import {Permits} from "../src/libraries/Permits.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";

contract TaskManagerTest is ProtocolFixture {
    function setUp() public {
        _deploy();
    }

    // ---------------------------------------------------------------- constructor, setVerifier

    function test_constructor_revertsWhenZeroAddress() public {
        vm.expectRevert(ITaskManager.ZeroAddress.selector);
        new TaskManager(IRewardDistributor(address(0)), registry, admin);
        vm.expectRevert(ITaskManager.ZeroAddress.selector);
        new TaskManager(distributor, IModelRegistry(address(0)), admin);
        vm.expectRevert(ITaskManager.ZeroAddress.selector);
        new TaskManager(distributor, registry, address(0));
    }

    function test_setVerifier_revertsWhenAlreadySet() public {
        vm.expectRevert(ITaskManager.VerifierAlreadySet.selector);
        vm.prank(admin);
        tm.setVerifier(verifier);
    }

    function test_setVerifier_revertsWhenZeroOrNotAdmin() public {
        TaskManager fresh = new TaskManager(distributor, registry, admin);
        vm.expectRevert(ITaskManager.ZeroAddress.selector);
        vm.prank(admin);
        fresh.setVerifier(IConsensusVerifier(address(0)));
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, stranger, bytes32(0))
        );
        vm.prank(stranger);
        fresh.setVerifier(verifier);
    }

    function test_advance_revertsWhenVerifierNotSet() public {
        TaskManager fresh = new TaskManager(distributor, registry, admin);
        vm.startPrank(admin);
        distributor.grantRole(distributor.ESCROW_ROLE(), address(fresh));
        registry.grantRole(registry.TASK_MANAGER_ROLE(), address(fresh));
        vm.stopPrank();
        ITaskManager.TaskParams memory p = _params();
        uint256 budget = fresh.budgetOf(p.rewardPerResult, p.rounds, p.shards, p.maxReplication);
        _fund(creator, budget);
        vm.startPrank(creator);
        token.approve(address(distributor), budget);
        uint256 id = fresh.createTask(p);
        vm.stopPrank();
        for (uint256 i = 0; i < p.replication; ++i) {
            address who = _provider(i);
            _stake(who, JOIN_LOCK);
            vm.prank(who);
            fresh.join(id);
        }
        vm.warp(block.timestamp + p.joinWindow);
        vm.expectRevert(ITaskManager.VerifierNotSet.selector);
        fresh.advance(id);
    }

    // ---------------------------------------------------------------- createTask

    function test_createTask_escrowsBudgetAndRegistersModel() public {
        ITaskManager.TaskParams memory p = _params();
        uint256 budget = tm.budgetOf(p.rewardPerResult, p.rounds, p.shards, p.maxReplication);
        uint256 id = _createTask(p);
        assertEq(id, 1);
        assertEq(distributor.escrowOf(id), budget);
        assertEq(budget, 3 * 2 * 4 * PAID);
        ITaskManager.Task memory t = tm.getTask(id);
        assertEq(t.creator, creator);
        assertEq(uint8(t.status), uint8(ITaskManager.TaskStatus.Joining));
        assertEq(t.joinDeadline, block.timestamp + p.joinWindow);
        assertEq(registry.getModel(t.modelId).owner, creator);
        assertEq(registry.getModel(t.modelId).taskId, id);
    }

    function test_createTask_emitsTaskCreated() public {
        ITaskManager.TaskParams memory p = _params();
        uint256 budget = tm.budgetOf(p.rewardPerResult, p.rounds, p.shards, p.maxReplication);
        _fund(creator, budget);
        vm.startPrank(creator);
        token.approve(address(distributor), budget);
        vm.expectEmit(address(tm));
        emit ITaskManager.TaskCreated(1, creator, 1, 1, p.specCid, p.datasetCid, budget, p.name, p.description);
        tm.createTask(p);
        vm.stopPrank();
    }

    function test_createTask_revertsWhenParameterInvalid() public {
        ITaskManager.TaskParams memory p;
        string[17] memory names = [
            "specCid",
            "initialModelCid",
            "rounds",
            "shards",
            "replication",
            "maxReplication",
            "fingerprintLength",
            "joinWindow",
            "commitWindow",
            "revealWindow",
            "rewardPerResult",
            "minStake",
            "replication",
            "fingerprintLength",
            "name",
            "name",
            "description"
        ];
        for (uint256 i = 0; i < names.length; ++i) {
            p = _params();
            if (i == 0) p.specCid = "";
            if (i == 1) p.initialModelCid = "";
            if (i == 2) p.rounds = 0;
            if (i == 3) p.shards = 0;
            if (i == 4) p.replication = 0;
            if (i == 5) (p.maxReplication, p.replication) = (9, 2);
            if (i == 6) p.fingerprintLength = 0;
            if (i == 7) p.joinWindow = 0;
            if (i == 8) p.commitWindow = 0;
            if (i == 9) p.revealWindow = 0;
            if (i == 10) p.rewardPerResult = 0;
            if (i == 11) p.minStake = 0;
            if (i == 12) p.replication = 5; // above maxReplication 4
            if (i == 13) p.fingerprintLength = 65;
            if (i == 14) p.name = "";
            if (i == 15) p.name = string(new bytes(tm.MAX_NAME_LENGTH() + 1));
            if (i == 16) p.description = string(new bytes(tm.MAX_DESCRIPTION_LENGTH() + 1));
            vm.expectRevert(abi.encodeWithSelector(ITaskManager.InvalidTaskParameter.selector, names[i]));
            vm.prank(creator);
            tm.createTask(p);
        }
    }

    function test_createTask_revertsWithoutAllowance() public {
        vm.expectRevert();
        vm.prank(creator);
        tm.createTask(_params());
    }

    function test_createTaskWithPermit_escrowsInOneCall() public {
        ITaskManager.TaskParams memory p = _params();
        uint256 budget = tm.budgetOf(p.rewardPerResult, p.rounds, p.shards, p.maxReplication);
        (address owner, uint256 key) = makeAddrAndKey("permitter");
        _fund(owner, budget);
        Permits.Permit memory permit = _permit(key, address(distributor), budget);
        vm.prank(owner);
        uint256 id = tm.createTaskWithPermit(p, permit);
        assertEq(distributor.escrowOf(id), budget);
        assertEq(tm.getTask(id).creator, owner);
        assertEq(token.allowance(owner, address(distributor)), 0);
    }

    /// Attack: a permit that names the TaskManager (which never pulls tokens) or less than the
    /// budget approves the distributor for nothing: the creation reverts and nothing is escrowed.
    function test_createTaskWithPermit_revertsWithoutAPermitForTheBudget() public {
        ITaskManager.TaskParams memory p = _params();
        uint256 budget = tm.budgetOf(p.rewardPerResult, p.rounds, p.shards, p.maxReplication);
        (address owner, uint256 key) = makeAddrAndKey("permitter");
        _fund(owner, budget);
        Permits.Permit memory wrongSpender = _permit(key, address(tm), budget);
        vm.prank(owner);
        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientAllowance.selector, address(distributor), 0, budget)
        );
        tm.createTaskWithPermit(p, wrongSpender);
        Permits.Permit memory tooSmall = _permit(key, address(distributor), budget - 1);
        vm.prank(owner);
        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientAllowance.selector, address(distributor), 0, budget)
        );
        tm.createTaskWithPermit(p, tooSmall);
        assertEq(tm.taskCount(), 0);
    }

    // ---------------------------------------------------------------- join

    function test_join_recordsProviderAndWeight() public {
        uint256 id = _createTask(_params());
        address who = _provider(0);
        _stake(who, 3 * uint256(MIN_STAKE));
        vm.expectEmit(address(tm));
        emit ITaskManager.ProviderJoined(id, who, 100, 0);
        vm.prank(who);
        tm.join(id);
        assertTrue(tm.isProvider(id, who));
        assertEq(tm.providersOf(id)[0], who);
        assertEq(tm.getTask(id).totalWeight, 100);
        assertEq(distributor.taskLock(id, who), JOIN_LOCK);
        assertEq(tm.getTask(id).providerCount, 1);
    }

    function test_join_revertsWhenUnknownTask() public {
        vm.expectRevert(abi.encodeWithSelector(ITaskManager.UnknownTask.selector, 7));
        tm.join(7);
    }

    function test_join_revertsAfterJoinWindow() public {
        uint256 id = _createTask(_params());
        vm.warp(block.timestamp + 100);
        vm.expectRevert(abi.encodeWithSelector(ITaskManager.JoiningClosed.selector, id));
        tm.join(id);
    }

    function test_join_revertsWhenAlreadyJoined() public {
        uint256 id = _createTask(_params());
        address who = _provider(0);
        _stakeAndJoin(id, who);
        vm.expectRevert(abi.encodeWithSelector(ITaskManager.AlreadyJoined.selector, id, who));
        vm.prank(who);
        tm.join(id);
    }

    function test_join_revertsWhenStakeTooLow() public {
        uint256 id = _createTask(_params());
        _stake(stranger, JOIN_LOCK - 1);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.InsufficientStake.selector, JOIN_LOCK - 1, JOIN_LOCK));
        vm.prank(stranger);
        tm.join(id);
    }

    /// Fills every place of task `id` with providers that join for real, then has `extra` more join.
    function _oversubscribed(uint256 id, uint256 extra) internal {
        for (uint256 i = 0; i < tm.MAX_PROVIDERS() + extra; ++i) {
            address who = address(uint160(0x10000 + i));
            _stake(who, JOIN_LOCK);
            vm.prank(who);
            tm.join(id);
        }
    }

    function test_join_appliesOnceEveryPlaceIsTaken() public {
        uint256 id = _createTask(_params());
        _oversubscribed(id, 0);
        _stake(stranger, JOIN_LOCK);
        vm.expectEmit(address(tm));
        emit ITaskManager.ProviderApplied(id, stranger, tm.weightOf(0), 0);
        vm.prank(stranger);
        tm.join(id);
        assertFalse(tm.isProvider(id, stranger));
        assertTrue(tm.isApplicant(id, stranger));
        assertEq(tm.applicantCount(id), 1);
        assertEq(distributor.taskLock(id, stranger), JOIN_LOCK, "an applicant locks what a provider does");
        assertEq(tm.getTask(id).providerCount, tm.MAX_PROVIDERS());
        vm.expectRevert(abi.encodeWithSelector(ITaskManager.AlreadyJoined.selector, id, stranger));
        vm.prank(stranger);
        tm.join(id);
        vm.expectRevert(abi.encodeWithSelector(ITaskManager.NotJoined.selector, id, stranger));
        vm.prank(stranger);
        tm.stepAway(id);
    }

    /// The draw takes two calls, a block apart; it keeps MAX_PROVIDERS of everyone, swaps each
    /// provider it left out with an applicant it chose, and the draw weights follow.
    function test_advance_drawsThePlacesAmongEveryoneWhoJoined() public {
        uint256 id = _createTask(_params());
        _oversubscribed(id, 40);
        vm.warp(block.timestamp + _params().joinWindow);
        vm.expectEmit(address(tm));
        emit ITaskManager.ApplicantDrawScheduled(id, uint64(block.number), 40);
        tm.advance(id);
        assertEq(tm.applicantDrawBlock(id), block.number);
        assertEq(uint8(tm.getTask(id).status), uint8(ITaskManager.TaskStatus.Joining));
        vm.expectRevert(abi.encodeWithSelector(ITaskManager.ApplicantDrawPending.selector, id, uint64(block.number)));
        tm.advance(id);
        vm.roll(block.number + 1);
        vm.recordLogs();
        tm.advance(id);
        assertEq(uint8(tm.getTask(id).status), uint8(ITaskManager.TaskStatus.Running));
        address[] memory list = tm.providersOf(id);
        assertEq(list.length, tm.MAX_PROVIDERS());
        uint256 placed;
        uint256 entrants;
        for (uint256 i = 0; i < tm.MAX_PROVIDERS() + 40; ++i) {
            address who = address(uint160(0x10000 + i));
            bool provider = tm.isProvider(id, who);
            assertEq(tm.isApplicant(id, who), !provider);
            if (provider) {
                ++placed;
                if (i >= tm.MAX_PROVIDERS()) ++entrants;
            }
        }
        assertEq(placed, tm.MAX_PROVIDERS());
        assertGt(entrants, 0, "about 34 applicants take a place");
        for (uint256 i = 0; i < list.length; ++i) {
            assertTrue(tm.isProvider(id, list[i]));
        }
        // Every weight is the base one here: the running sums end at places x base.
        assertEq(tm.getTask(id).totalWeight, tm.MAX_PROVIDERS() * tm.REPUTATION_BASE());
    }

    /// A place's `away` and `ejected` bits were its holder's: an applicant that takes the place
    /// starts present. (An equivocation report can eject a provider while the task joins.)
    function test_advance_anEntrantInheritsNeitherAwayNorEjected() public {
        uint256 id = _createTask(_params());
        _oversubscribed(id, tm.MAX_PROVIDERS());
        for (uint256 i = 0; i < tm.MAX_PROVIDERS(); ++i) {
            address who = address(uint160(0x10000 + i));
            if (i % 2 == 0) {
                vm.prank(address(registry));
                tm.eject(id, who);
            } else {
                vm.prank(who);
                tm.stepAway(id);
            }
        }
        vm.warp(block.timestamp + _params().joinWindow);
        tm.advance(id);
        vm.roll(block.number + 1);
        tm.advance(id);
        address[] memory list = tm.providersOf(id);
        uint256 entrants;
        for (uint256 i = 0; i < list.length; ++i) {
            bool entrant = uint160(list[i]) >= 0x10000 + tm.MAX_PROVIDERS();
            uint256 bits = (tm.ejected(id) | tm.away(id)) & (1 << i);
            if (entrant) ++entrants;
            assertEq(bits == 0, entrant, "only the places that changed hands start present");
        }
        assertGt(entrants, 0);
        // Round 0 leaves out the ejected as well as the away: only the entrants are drawn.
        (address[] memory drawn,,,,,,) = verifier.assignment(id, 0, 0);
        assertEq(drawn.length, 0, "drawn from the next block on");
        vm.roll(block.number + 1);
        (drawn,,,,,,) = verifier.assignment(id, 0, 0);
        for (uint256 i = 0; i < drawn.length; ++i) {
            assertGe(uint160(drawn[i]), 0x10000 + tm.MAX_PROVIDERS());
        }
    }

    /// A draw block whose hash is gone is not drawn from (the hash of a later block is public by
    /// then): the draw is scheduled again from the block of the call.
    function test_advance_schedulesTheDrawAgainOnceItsBlockHashIsGone() public {
        uint256 id = _createTask(_params());
        _oversubscribed(id, 3);
        vm.warp(block.timestamp + _params().joinWindow);
        tm.advance(id);
        vm.roll(block.number + 300);
        vm.expectEmit(address(tm));
        emit ITaskManager.ApplicantDrawScheduled(id, uint64(block.number), 3);
        tm.advance(id);
        assertEq(tm.applicantDrawBlock(id), block.number);
        assertEq(uint8(tm.getTask(id).status), uint8(ITaskManager.TaskStatus.Joining));
        vm.roll(block.number + 1);
        tm.advance(id);
        assertEq(uint8(tm.getTask(id).status), uint8(ITaskManager.TaskStatus.Running));
    }

    /// An applicant the draw left out gets its stake back at once; one with a place waits as before.
    function test_unlockStake_freesAnApplicantLeftWithoutAPlace() public {
        uint256 id = _createTask(_params());
        _oversubscribed(id, 40);
        vm.warp(block.timestamp + _params().joinWindow);
        tm.advance(id);
        address applicant = address(uint160(0x10000 + tm.MAX_PROVIDERS()));
        vm.expectRevert(abi.encodeWithSelector(ITaskManager.StakeStillLocked.selector, id, type(uint64).max));
        vm.prank(applicant);
        tm.unlockStake(id);
        vm.roll(block.number + 1);
        tm.advance(id);
        for (uint256 i = 0; i < tm.MAX_PROVIDERS() + 40; ++i) {
            address who = address(uint160(0x10000 + i));
            if (tm.isProvider(id, who)) {
                vm.expectRevert(abi.encodeWithSelector(ITaskManager.StakeStillLocked.selector, id, type(uint64).max));
                vm.prank(who);
                tm.unlockStake(id);
            } else {
                vm.prank(who);
                tm.unlockStake(id);
                assertEq(distributor.taskLock(id, who), 0);
            }
        }
    }

    // ---------------------------------------------------------------- stepAway, stepBack

    /// A volunteer's pause: it finishes the running round's shards (whose draws never change), is
    /// drawn in no round after, keeps its whole lock (no deposit spent, not ejected), and is drawn
    /// again once it steps back. Before stepping away existed, a paused volunteer drawn in a later
    /// round could only miss the shard and forfeit its deposit.
    function test_stepAway_leavesLaterDrawsAtNoCostUntilSteppingBack() public {
        ITaskManager.TaskParams memory p = _params();
        p.shards = 8;
        p.rounds = 5;
        uint256 id = _startTask(p, 4);
        address who = _assignees(id, 0, 0)[0];
        vm.expectEmit(address(tm));
        emit ITaskManager.ProviderSteppedAway(id, who, 1);
        vm.prank(who);
        tm.stepAway(id);
        assertTrue(tm.isAway(id, who));
        assertEq(_assignees(id, 0, 0)[0], who, "the running round's draws stand");
        _emptyRound(id, 0);
        assertEq(tm.getTask(id).currentRound, 1);
        assertFalse(_drawnIn(id, 1, p.shards, who), "not drawn while away");
        _versionRound(id, 1);
        assertFalse(_drawnIn(id, 2, p.shards, who), "nor in any round after");
        assertEq(distributor.taskLock(id, who), JOIN_LOCK, "its lock is whole: no deposit spent");
        assertEq(tm.ejected(id), 0, "nobody was ejected");

        vm.expectEmit(address(tm));
        emit ITaskManager.ProviderSteppedBack(id, who, 3);
        vm.prank(who);
        tm.stepBack(id);
        assertFalse(tm.isAway(id, who));
        assertFalse(_drawnIn(id, 2, p.shards, who), "a step back waits for the next round too");
        _emptyRound(id, 2);
        assertEq(tm.getTask(id).currentRound, 3);
        assertTrue(_drawnIn(id, 3, p.shards, who), "drawn again (16 places among 4)");
    }

    function test_stepAway_beforeRoundZeroLeavesItsDraws() public {
        ITaskManager.TaskParams memory p = _params();
        p.shards = 8;
        uint256 id = _createTask(p);
        for (uint256 i = 0; i < 3; ++i) {
            _stakeAndJoin(id, _provider(i));
        }
        address who = _provider(1);
        vm.expectEmit(address(tm));
        emit ITaskManager.ProviderSteppedAway(id, who, 0);
        vm.prank(who);
        tm.stepAway(id);
        vm.warp(block.timestamp + p.joinWindow);
        _advance(id);
        assertEq(uint8(tm.getTask(id).status), uint8(ITaskManager.TaskStatus.Running));
        assertFalse(_drawnIn(id, 0, p.shards, who));
    }

    /// A slash names a result's provider by drawing its round again: that draw must leave out who
    /// was away when the round started, not who is away now (it stepped back since).
    function test_stepAway_aPastRoundsSlashNamesItsOwnDraw() public {
        ITaskManager.TaskParams memory p = _params();
        p.shards = 8;
        p.rounds = 4;
        uint256 id = _createTask(p);
        for (uint256 i = 0; i < 3; ++i) {
            _stakeAndJoin(id, _provider(i));
        }
        address who = _provider(1);
        vm.prank(who);
        tm.stepAway(id);
        vm.warp(block.timestamp + p.joinWindow);
        _advance(id);
        _emptyRound(id, 0);
        vm.prank(who);
        tm.stepBack(id);
        _emptyRound(id, 1);
        assertEq(tm.getTask(id).currentRound, 2);
        assertEq(tm.away(id), 0);
        for (uint256 round = 0; round < 2; ++round) {
            for (uint256 shard = 0; shard < p.shards; ++shard) {
                bytes32 seed = keccak256(abi.encode(verifier.roundSeed(id, round), shard, uint256(0)));
                address[] memory drawn = tm.drawProviders(id, 1 << 1, seed, p.replication);
                for (uint256 i = 0; i < drawn.length; ++i) {
                    assertEq(
                        verifier.slashableResult(IConsensusVerifier.ResultRef(id, round, shard, 0, i)),
                        drawn[i],
                        "the re-draw keeps the round's own away mask"
                    );
                }
            }
        }
    }

    /// Too few present to draw a round: the task ends and refunds, as with ejections, rather than
    /// drawing those away (who would miss) or waiting with the escrow locked.
    function test_stepAway_tooFewPresentEndsTheTaskAndRefunds() public {
        uint256 id = _startTask(_params(), 2);
        vm.prank(_provider(0));
        tm.stepAway(id);
        _runRound(id, 0, 2);
        vm.warp(block.timestamp + 100);
        uint256 escrow = distributor.escrowOf(id);
        vm.expectEmit(address(tm));
        emit ITaskManager.TaskUnderSubscribed(id, 1, 2, escrow);
        tm.advance(id);
        assertEq(uint8(tm.getTask(id).status), uint8(ITaskManager.TaskStatus.Cancelled));
        assertEq(distributor.escrowOf(id), 0);
    }

    function test_stepAway_tooFewPresentAtTheJoinDeadlineEndsTheTask() public {
        uint256 id = _createTask(_params());
        _stakeAndJoin(id, _provider(0));
        _stakeAndJoin(id, _provider(1));
        vm.prank(_provider(0));
        tm.stepAway(id);
        vm.warp(block.timestamp + 100);
        uint256 escrow = distributor.escrowOf(id);
        vm.expectEmit(address(tm));
        emit ITaskManager.TaskUnderSubscribed(id, 1, 2, escrow);
        tm.advance(id);
        assertEq(uint8(tm.getTask(id).status), uint8(ITaskManager.TaskStatus.Cancelled));
    }

    function test_stepAway_reverts() public {
        uint256 id = _createTask(_params());
        address who = _provider(0);
        _stakeAndJoin(id, who);
        vm.expectRevert(abi.encodeWithSelector(ITaskManager.NotJoined.selector, id, stranger));
        vm.prank(stranger);
        tm.stepAway(id);
        vm.expectRevert(abi.encodeWithSelector(ITaskManager.NotAway.selector, id, who));
        vm.prank(who);
        tm.stepBack(id);
        vm.prank(who);
        tm.stepAway(id);
        vm.expectRevert(abi.encodeWithSelector(ITaskManager.AlreadyAway.selector, id, who));
        vm.prank(who);
        tm.stepAway(id);
        vm.expectRevert(abi.encodeWithSelector(ITaskManager.UnknownTask.selector, 9));
        vm.prank(who);
        tm.stepAway(9);
        vm.warp(block.timestamp + 100);
        tm.advance(id); // one provider: under-subscribed, cancelled
        vm.expectRevert(abi.encodeWithSelector(ITaskManager.TaskNotActive.selector, id));
        vm.prank(who);
        tm.stepBack(id);
    }

    // ---------------------------------------------------------------- advance

    function test_advance_startsRoundZeroAfterJoinWindow() public {
        uint256 id = _createTask(_params());
        _stakeAndJoin(id, _provider(0));
        _stakeAndJoin(id, _provider(1));
        vm.warp(block.timestamp + 100);
        vm.expectEmit(address(tm));
        emit ITaskManager.RoundStarted(id, 0, uint64(block.number), uint64(block.timestamp));
        tm.advance(id);
        ITaskManager.Task memory t = tm.getTask(id);
        assertEq(uint8(t.status), uint8(ITaskManager.TaskStatus.Running));
        assertEq(t.currentRound, 0);
        (uint64 start,,) = verifier.roundStarts(id, 0);
        assertEq(start, block.timestamp);
        // No draw within the advance's own block: its hash is not known there.
        assertEq(verifier.roundSeed(id, 0), bytes32(0));
        vm.roll(block.number + 1);
        assertTrue(verifier.roundSeed(id, 0) != bytes32(0));
    }

    function test_advance_revertsWhileJoiningOpen() public {
        uint256 id = _createTask(_params());
        uint64 deadline = tm.getTask(id).joinDeadline;
        vm.expectRevert(abi.encodeWithSelector(ITaskManager.JoiningOpen.selector, id, deadline));
        _advance(id);
    }

    function test_advance_endsTheTaskWhenNobodyJoined() public {
        uint256 id = _createTask(_params());
        vm.warp(block.timestamp + 100);
        _advance(id);
        assertEq(uint8(tm.getTask(id).status), uint8(ITaskManager.TaskStatus.Cancelled));
        assertEq(distributor.escrowOf(id), 0);
    }

    function test_advance_revertsWhenRoundUndecided() public {
        uint256 id = _startTask(_params(), 3);
        vm.expectRevert(abi.encodeWithSelector(ITaskManager.RoundUndecided.selector, id, 0, 2));
        _advance(id);
    }

    /// Only the registry ends a round with a version: anyone else naming one would record it as the
    /// round's final version and start the next round without the winners' signatures.
    function test_onVersionFinal_revertsWhenNotRegistry() public {
        uint256 id = _startTask(_params(), 3);
        _runRound(id, 0, 2);
        vm.expectRevert(abi.encodeWithSelector(ITaskManager.OnlyRegistry.selector, address(this)));
        tm.onVersionFinal(id, 0, 1);
        assertEq(tm.getTask(id).currentRound, 0);
        // nor for a round other than the running one, even from the registry
        vm.expectRevert(abi.encodeWithSelector(ITaskManager.RoundNotRunning.selector, id, 1));
        vm.prank(address(registry));
        tm.onVersionFinal(id, 1, 1);
    }

    function test_advance_revertsWhileAggregationPending() public {
        uint256 id = _startTask(_params(), 3);
        _runRound(id, 0, 2);
        uint64 until = uint64(block.timestamp) + 100;
        vm.expectRevert(abi.encodeWithSelector(ITaskManager.AggregationPending.selector, id, until));
        _advance(id);
    }

    function test_advance_completesAfterLastRoundAndRefunds() public {
        ITaskManager.TaskParams memory p = _params();
        uint256 id = _startTask(p, 3);
        for (uint256 round = 0; round < p.rounds; ++round) {
            _runRound(id, round, p.shards);
            vm.warp(block.timestamp + p.aggregateWindow);
            _advance(id);
        }
        assertEq(uint8(tm.getTask(id).status), uint8(ITaskManager.TaskStatus.Completed));
        // 3 rounds x 2 shards x 2 replicas were paid; the rest of the worst-case budget is refunded.
        assertEq(distributor.escrowOf(id), 0);
        assertEq(distributor.claimableOf(creator), (24 - 12) * PAID);
        vm.expectRevert(abi.encodeWithSelector(ITaskManager.TaskNotActive.selector, id));
        _advance(id);
    }

    // ---------------------------------------------------------------- cancel

    function test_cancel_refundsUnearnedEscrow() public {
        uint256 id = _startTask(_params(), 3);
        vm.expectEmit(address(tm));
        emit ITaskManager.TaskCancelRequested(id, 0);
        vm.prank(creator);
        tm.cancel(id);
        _runRound(id, 0, 2);
        vm.warp(block.timestamp + 100);
        vm.expectEmit(address(tm));
        emit ITaskManager.TaskCancelled(id, 20 * PAID);
        _advance(id);
        assertEq(distributor.claimableOf(creator), 20 * PAID);
        assertEq(uint8(tm.getTask(id).status), uint8(ITaskManager.TaskStatus.Cancelled));
    }

    function test_cancel_revertsWhenNotCreator() public {
        uint256 id = _createTask(_params());
        vm.expectRevert(abi.encodeWithSelector(ITaskManager.NotTaskCreator.selector, id, stranger));
        vm.prank(stranger);
        tm.cancel(id);
    }

    function test_cancel_revertsWhenAlreadyCancelled() public {
        uint256 id = _createTask(_params());
        vm.startPrank(creator);
        tm.cancel(id);
        vm.expectRevert(abi.encodeWithSelector(ITaskManager.TaskNotActive.selector, id));
        tm.cancel(id);
        vm.stopPrank();
    }

    // ---------------------------------------------------------------- isRoundDecided

    function test_isRoundDecided_followsTheVerifier() public {
        uint256 id = _startTask(_params(), 3);
        assertFalse(tm.isRoundDecided(id));
        _runRound(id, 0, 2);
        assertTrue(tm.isRoundDecided(id));
        (uint256 round, uint256 decided, uint64 decidedAt) = verifier.roundProgress(id);
        assertEq(round, 0);
        assertEq(decided, 2);
        assertEq(decidedAt, block.timestamp);
        assertFalse(tm.isRoundDecided(_createTask(_params())));
    }

    // ---------------------------------------------------------------- drawProviders, weightOf

    function testFuzz_drawProviders_distinctAndJoined(bytes32 seed, uint8 nSeed, uint8 countSeed) public {
        uint256 n = bound(nSeed, 1, 12);
        uint256 id = _createTask(_params());
        for (uint256 i = 0; i < n; ++i) {
            address who = _provider(i);
            _stake(who, JOIN_LOCK * (1 + (i % 4)));
            vm.prank(who);
            tm.join(id);
        }
        uint256 count = bound(countSeed, 0, 12);
        address[] memory drawn = tm.drawProviders(id, 0, seed, count);
        assertEq(drawn.length, count < n ? count : n);
        for (uint256 i = 0; i < drawn.length; ++i) {
            assertTrue(tm.isProvider(id, drawn[i]));
            for (uint256 j = 0; j < i; ++j) {
                assertTrue(drawn[i] != drawn[j]);
            }
        }
    }

    function test_drawProviders_stakeBuysNoWeight() public {
        uint256 id = _createTask(_params());
        address heavy = _provider(0);
        address light = _provider(1);
        _stake(heavy, 10 * uint256(MIN_STAKE));
        _stake(light, JOIN_LOCK);
        vm.prank(heavy);
        tm.join(id);
        vm.prank(light);
        tm.join(id);
        // Each locked the same stake: one place each, whatever else they staked.
        assertEq(distributor.lockedStake(heavy), JOIN_LOCK);
        uint256 heavyFirst;
        for (uint256 i = 0; i < 200; ++i) {
            if (tm.drawProviders(id, 0, keccak256(abi.encode(i)), 1)[0] == heavy) ++heavyFirst;
        }
        assertGt(heavyFirst, 70);
        assertLt(heavyFirst, 130);
    }

    /// Probing to the next provider after a repeat handed the repeated provider's share to whoever
    /// joined after it: with three equal providers, the one after the first drawn was second two
    /// times in three. Drawing again splits it evenly.
    function test_attack_drawProviders_noNeighbourBonus() public {
        uint256 id = _createTask(_params());
        for (uint256 i = 0; i < 3; ++i) {
            _stakeAndJoin(id, _provider(i));
        }
        uint256 firstWasP0;
        uint256 thenP1;
        for (uint256 i = 0; i < 600; ++i) {
            address[] memory drawn = tm.drawProviders(id, 0, keccak256(abi.encode("draw", i)), 2);
            if (drawn[0] != _provider(0)) continue;
            ++firstWasP0;
            if (drawn[1] == _provider(1)) ++thenP1;
        }
        assertGt(firstWasP0, 150);
        assertLt(thenP1 * 100, firstWasP0 * 60);
        assertGt(thenP1 * 100, firstWasP0 * 40);
    }

    /// The weights are kept sixteen to a storage word: across word boundaries, with every weight
    /// from 100 to 125 and any providers excluded, the draw is the one docs/protocol.md states
    /// ("The draw (on chain)"), computed here from the weights alone.
    function testFuzz_drawProviders_isTheDocumentedWeightedDraw(
        bytes32 seed,
        uint8 nSeed,
        uint256 excluded,
        uint8 countSeed
    ) public {
        uint256 n = bound(nSeed, 1, 40);
        uint256 id = _createTask(_params());
        uint256[] memory sums = _joinWeighted(id, n, seed);
        excluded &= (1 << n) - 1;
        if (excluded == (1 << n) - 1) excluded &= ~uint256(1);
        (address[] memory drawn, uint256[] memory indices) =
            tm.drawAssignees(id, excluded, seed, bound(countSeed, 1, 8));
        uint256[] memory expected = _documentedDraw(sums, excluded, seed, bound(countSeed, 1, 8));
        assertEq(indices, expected);
        for (uint256 i = 0; i < drawn.length; ++i) {
            assertEq(drawn[i], _provider(expected[i]));
            assertEq(tm.drawnAt(id, excluded, seed, i), drawn[i]);
        }
        uint256 eligible = _eligible(n, excluded);
        vm.expectRevert(abi.encodeWithSelector(ITaskManager.NotEnoughProviders.selector, eligible + 1, eligible));
        tm.drawnAt(id, excluded, seed, eligible);
    }

    /// `n` providers join `id`, each with a reputation from 0 to 39 (weights 100 to 125); returns
    /// the running sums of their weights.
    function _joinWeighted(uint256 id, uint256 n, bytes32 seed) internal returns (uint256[] memory sums) {
        sums = new uint256[](n);
        uint256 total;
        for (uint256 i = 0; i < n; ++i) {
            address who = _provider(i);
            uint256 reputation = uint256(keccak256(abi.encode(seed, "reputation", i))) % 40;
            vm.mockCall(
                address(distributor), abi.encodeCall(IRewardDistributor.reputationOf, (who)), abi.encode(reputation)
            );
            _stakeAndJoin(id, who);
            total += tm.weightOf(reputation);
            sums[i] = total;
        }
    }

    function _eligible(uint256 n, uint256 excluded) internal pure returns (uint256 eligible) {
        eligible = n;
        for (uint256 i = 0; i < n; ++i) {
            if (excluded & (1 << i) != 0) --eligible;
        }
    }

    /// Replica i: `keccak256(abi.encode(seed, i)) mod total`, the first provider whose running sum
    /// exceeds it; drawn or excluded already, `keccak256(abi.encode(seed, i, j))` for j = 1..32,
    /// then the next in joining order (wrapping) neither drawn nor excluded.
    function _documentedDraw(uint256[] memory sums, uint256 excluded, bytes32 seed, uint256 count)
        internal
        pure
        returns (uint256[] memory out)
    {
        uint256 n = sums.length;
        uint256 eligible = _eligible(n, excluded);
        if (count > eligible) count = eligible;
        out = new uint256[](count);
        uint256 total = sums[n - 1];
        uint256 taken = excluded;
        for (uint256 i = 0; i < count; ++i) {
            uint256 idx = _firstAbove(sums, uint256(keccak256(abi.encode(seed, i))) % total);
            for (uint256 j = 1; taken & (1 << idx) != 0; ++j) {
                idx = j <= 32
                    ? _firstAbove(sums, uint256(keccak256(abi.encode(seed, i, j))) % total)
                    : (idx + 1 == n ? 0 : idx + 1);
            }
            taken |= 1 << idx;
            out[i] = idx;
        }
    }

    function _firstAbove(uint256[] memory sums, uint256 x) internal pure returns (uint256 i) {
        while (sums[i] <= x) {
            ++i;
        }
    }

    function testFuzz_weightOf_boundedAndMonotonic(uint256 reputation) public view {
        reputation = bound(reputation, 0, 1e6);
        uint256 w = tm.weightOf(reputation);
        assertGe(w, 100);
        assertLe(w, 125);
        assertGe(tm.weightOf(reputation + 1), w);
    }

    function testFuzz_budgetOf_coversEveryPaidResult(uint96 reward, uint16 rounds, uint16 shards, uint8 maxRep)
        public
        view
    {
        uint256 budget = tm.budgetOf(reward, rounds, shards, maxRep);
        assertEq(budget, (uint256(reward) + tm.RESULT_FEE()) * rounds * shards * maxRep);
    }

    /// Rounds that make no version are counted; a round with a version resets the count, and the
    /// third empty round in a row ends the task with its escrow back instead of running on.
    function test_advance_endsATaskAfterThreeEmptyRoundsInARow() public {
        ITaskManager.TaskParams memory p = _params();
        p.rounds = 10;
        uint256 id = _startTask(p, 3);
        _emptyRound(id, 0);
        assertEq(tm.getTask(id).emptyRounds, 1);
        _versionRound(id, 1);
        assertEq(tm.getTask(id).emptyRounds, 0);
        _emptyRound(id, 2);
        _emptyRound(id, 3);
        assertEq(uint8(tm.getTask(id).status), uint8(ITaskManager.TaskStatus.Running));
        _runRound(id, 4, p.shards);
        vm.warp(block.timestamp + p.aggregateWindow);
        uint256 escrow = distributor.escrowOf(id);
        vm.expectEmit(address(tm));
        emit ITaskManager.TaskStalled(id, 3);
        vm.expectEmit(address(tm));
        emit ITaskManager.TaskCancelled(id, escrow);
        _advance(id);
        assertEq(uint8(tm.getTask(id).status), uint8(ITaskManager.TaskStatus.Cancelled));
        assertEq(distributor.escrowOf(id), 0);
    }

    /// Runs round `round` to its decision and makes its version final, which starts the next round.
    function _versionRound(uint256 id, uint256 round) internal {
        ITaskManager.Task memory t = tm.getTask(id);
        _runRound(id, round, t.shards);
        uint256 head = registry.getModel(t.modelId).head;
        uint256 v =
            _proposeVersion(id, round, head, _roundWinners(id, round, t.shards)[0], keccak256(abi.encode(round)));
        vm.warp(registry.getVersion(v).challengeDeadline);
        registry.finalizeVersion(v);
        _drawNextRound();
    }

    /// Runs round `round` to its decision and lets the aggregation window pass without a version.
    function _emptyRound(uint256 id, uint256 round) internal {
        ITaskManager.Task memory t = tm.getTask(id);
        _runRound(id, round, t.shards);
        vm.warp(block.timestamp + t.aggregateWindow);
        _advance(id);
    }
}
