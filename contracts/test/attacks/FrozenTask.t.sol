// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ITaskManager} from "../../src/interfaces/ITaskManager.sol";
import {ProtocolFixture} from "../utils/ProtocolFixture.sol";

/// @notice Finding 8, frozen tasks: a creator set windows of decades (freezing the task and its
/// escrow), or zero aggregation and challenge windows and zero confirmations. Every window is now
/// bounded, confirmations are at least one, and the whole task, re-runs included, ends within a year.
contract FrozenTaskTest is ProtocolFixture {
    function setUp() public {
        _deploy();
    }

    function test_createTask_revertsWhenAWindowFreezesTheTask() public {
        string[5] memory names = ["joinWindow", "commitWindow", "revealWindow", "aggregateWindow", "challengeWindow"];
        for (uint256 i = 0; i < names.length; ++i) {
            ITaskManager.TaskParams memory p = _params();
            uint32 century = type(uint32).max;
            if (i == 0) p.joinWindow = century;
            if (i == 1) p.commitWindow = century;
            if (i == 2) p.revealWindow = century;
            if (i == 3) p.aggregateWindow = century;
            if (i == 4) p.challengeWindow = century;
            _expectInvalidParameter(p, names[i]);
        }
    }

    function test_createTask_revertsWhenAWindowIsOneSecondOverTheBound() public {
        ITaskManager.TaskParams memory p = _params();
        p.challengeWindow = uint32(tm.MAX_WINDOW() + 1);
        _expectInvalidParameter(p, "challengeWindow");
    }

    function test_createTask_revertsWhenAggregationOrChallengeWindowIsZero() public {
        ITaskManager.TaskParams memory p = _params();
        p.aggregateWindow = 0;
        _expectInvalidParameter(p, "aggregateWindow");
        p = _params();
        p.challengeWindow = 0;
        _expectInvalidParameter(p, "challengeWindow");
    }

    function test_createTask_revertsWhenNoConfirmationIsNeeded() public {
        ITaskManager.TaskParams memory p = _params();
        p.confirmations = 0;
        _expectInvalidParameter(p, "confirmations");
    }

    function test_createTask_revertsWhenTheTaskCouldOutliveAYear() public {
        ITaskManager.TaskParams memory p = _params();
        // Each window within its bound, but 10,000 rounds of them run for centuries.
        p.rounds = 10_000;
        p.commitWindow = uint32(tm.MAX_WINDOW());
        p.revealWindow = uint32(tm.MAX_WINDOW());
        _expectInvalidParameter(p, "lifetime");
    }

    /// The lifetime counts two challenge windows a round (a round waits for a held version at most
    /// that long past its aggregation window): a task that fits with one is refused.
    function test_createTask_countsTwoChallengeWindowsPerRound() public {
        ITaskManager.TaskParams memory p = _params();
        p.joinWindow = 1;
        p.commitWindow = 1;
        p.revealWindow = 1;
        p.aggregateWindow = 1;
        p.challengeWindow = 3600;
        uint256 withOne = 4 * 3 + 1 + 3600;
        uint256 withTwo = withOne + 3600;
        p.rounds = uint16(tm.MAX_LIFETIME() / withTwo);
        assertGt(_createTask(p), 0);
        p.rounds = uint16((tm.MAX_LIFETIME() - 1) / withOne);
        assertGt(uint256(p.rounds) * withTwo + 1, tm.MAX_LIFETIME(), "over the bound with two");
        _expectInvalidParameter(p, "lifetime");
    }

    function test_createTask_acceptsWindowsAtTheBound() public {
        ITaskManager.TaskParams memory p = _params();
        p.rounds = 1;
        p.joinWindow = uint32(tm.MAX_WINDOW());
        p.aggregateWindow = uint32(tm.MAX_WINDOW());
        p.challengeWindow = uint32(tm.MAX_WINDOW());
        assertGt(_createTask(p), 0);
    }

    /// @notice Whatever a creator sets, an accepted task ends within MAX_LIFETIME even when every
    /// window runs out and every shard is re-run up to the verifier's attempt cap.
    function testFuzz_createTask_acceptedTasksEndWithinTheLifetime(
        uint16 rounds,
        uint32 joinWindow,
        uint32 commitWindow,
        uint32 revealWindow,
        uint32 aggregateWindow,
        uint32 challengeWindow
    ) public {
        ITaskManager.TaskParams memory p = _params();
        p.rounds = uint16(bound(rounds, 1, 40));
        p.joinWindow = uint32(bound(joinWindow, 1, 2 * tm.MAX_WINDOW()));
        p.commitWindow = uint32(bound(commitWindow, 1, 2 * tm.MAX_WINDOW()));
        p.revealWindow = uint32(bound(revealWindow, 1, 2 * tm.MAX_WINDOW()));
        p.aggregateWindow = uint32(bound(aggregateWindow, 1, 2 * tm.MAX_WINDOW()));
        p.challengeWindow = uint32(bound(challengeWindow, 1, 2 * tm.MAX_WINDOW()));
        _fund(creator, tm.budgetOf(p.rewardPerResult, p.rounds, p.shards, p.maxReplication));
        vm.startPrank(creator);
        token.approve(address(distributor), type(uint256).max);
        try tm.createTask(p) {
            // each attempt's commit, reveal and referee windows, the aggregation window, and a round
            // held for a version at most two challenge windows past it
            uint256 perRound = 4 * (uint256(p.commitWindow) + 2 * uint256(p.revealWindow)) + p.aggregateWindow + 2
                * uint256(p.challengeWindow);
            assertLe(uint256(p.joinWindow) + p.rounds * perRound, tm.MAX_LIFETIME());
        } catch (bytes memory reason) {
            assertEq(bytes4(reason), ITaskManager.InvalidTaskParameter.selector);
        }
        vm.stopPrank();
    }
}
