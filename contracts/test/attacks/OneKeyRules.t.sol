// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {Test} from "forge-std/Test.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {Deploy} from "../../script/Deploy.s.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {IConsensusVerifier} from "../../src/interfaces/IConsensusVerifier.sol";
import {ITaskManager} from "../../src/interfaces/ITaskManager.sol";
import {ProtocolFixture} from "../utils/ProtocolFixture.sol";

/// @notice Finding 15, one key rules: the deployer held the referee and governance roles with no
/// delay, and the referee could name itself the reporter of its own verdicts. Now the deployer keeps
/// nothing, governance acts through a timelock, the referee is its own key that cannot report, and
/// a pauser of its own can stop new tasks and joins (never a running task).
contract OneKeyRulesTest is Test {
    function test_attack_deployerKeepsNoRole() public {
        vm.chainId(31_337);
        Deploy script = new Deploy();
        Deploy.Deployment memory d = script.run();
        address deployer = d.admin;
        bytes32 adminRole = 0x00;
        assertFalse(d.distributor.hasRole(adminRole, deployer));
        assertFalse(d.registry.hasRole(adminRole, deployer));
        assertFalse(d.taskManager.hasRole(adminRole, deployer));
        assertFalse(d.verifier.hasRole(adminRole, deployer));
        assertFalse(d.challenges.hasRole(adminRole, deployer));
        assertFalse(d.registry.hasRole(d.registry.GOVERNANCE_ROLE(), deployer));
        assertFalse(d.verifier.hasRole(d.verifier.REFEREE_ROLE(), deployer));

        // Governance and the admin roles sit behind the timelock.
        TimelockController timelock = d.timelock;
        assertGe(timelock.getMinDelay(), script.LOCAL_TIMELOCK_DELAY());
        assertTrue(d.registry.hasRole(d.registry.GOVERNANCE_ROLE(), address(timelock)));
        assertTrue(d.registry.hasRole(adminRole, address(timelock)));
        assertTrue(d.distributor.hasRole(adminRole, address(timelock)));
        assertTrue(d.taskManager.hasRole(adminRole, address(timelock)));
        assertTrue(d.verifier.hasRole(adminRole, address(timelock)));
        assertTrue(d.challenges.hasRole(adminRole, address(timelock)));
        assertTrue(timelock.hasRole(timelock.PROPOSER_ROLE(), d.governor));
        assertFalse(timelock.hasRole(timelock.PROPOSER_ROLE(), deployer));
        assertFalse(timelock.hasRole(adminRole, deployer));

        // The referee and the pauser are keys of their own.
        assertTrue(d.verifier.hasRole(d.verifier.REFEREE_ROLE(), d.referee));
        assertTrue(d.taskManager.hasRole(d.taskManager.PAUSER_ROLE(), d.pauser));
        assertFalse(d.taskManager.hasRole(d.taskManager.PAUSER_ROLE(), deployer));
        assertTrue(d.referee != deployer && d.governor != deployer && d.referee != d.governor);
        assertTrue(d.pauser != deployer && d.pauser != d.referee && d.pauser != d.governor);
    }
}

contract PauserTest is ProtocolFixture {
    address internal pauser = makeAddr("pauser");

    function setUp() public {
        _deploy();
        vm.startPrank(admin);
        tm.grantRole(tm.PAUSER_ROLE(), pauser);
        vm.stopPrank();
    }

    /// The pauser stops new tasks and joins, but a running task goes on and its escrow is not frozen.
    function test_pauseStopsNewWorkButNotRunningTasks() public {
        uint256 taskId = _startTask(_params(), 3);
        bytes32 role = tm.PAUSER_ROLE();
        vm.prank(stranger);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, stranger, role)
        );
        tm.pause();
        vm.prank(pauser);
        tm.pause();
        ITaskManager.TaskParams memory p = _params();
        uint256 budget = tm.budgetOf(p.rewardPerResult, p.rounds, p.shards, p.maxReplication);
        _fund(creator, budget);
        vm.startPrank(creator);
        token.approve(address(distributor), budget);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        tm.createTask(p);
        vm.stopPrank();
        _runRound(taskId, 0, 2);
        vm.warp(block.timestamp + 100);
        _advance(taskId);
        assertEq(tm.getTask(taskId).currentRound, 1);
        vm.prank(creator);
        tm.cancel(taskId);
        vm.prank(pauser);
        tm.unpause();
        assertEq(_createTask(p), taskId + 1);
    }
}

contract RefereeReportsItselfTest is ProtocolFixture {
    function test_attack_refereeCannotBeTheReporter() public {
        _deploy();
        uint256 taskId = _startTask(_params(), 2);
        _runRound(taskId, 0, 2);
        IConsensusVerifier.ResultRef memory ref = IConsensusVerifier.ResultRef(taskId, 0, 0, 0, 0);
        vm.prank(referee);
        vm.expectRevert(abi.encodeWithSelector(IConsensusVerifier.RefereeCannotReport.selector, referee));
        verifier.slash(ref, IConsensusVerifier.SlashReason.InvalidDelta, bytes32(0), referee);
        assertEq(distributor.claimableOf(referee), 0);
    }
}
