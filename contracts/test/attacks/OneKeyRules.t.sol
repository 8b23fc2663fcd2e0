// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {Test} from "forge-std/Test.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {Deploy} from "../../script/Deploy.s.sol";
import {IConsensusVerifier} from "../../src/interfaces/IConsensusVerifier.sol";
import {ProtocolFixture} from "../utils/ProtocolFixture.sol";

/// @notice Finding 15, one key rules: the deployer held the referee and governance roles with no
/// delay, and the referee could name itself the reporter of its own verdicts. Now the deployer keeps
/// nothing, governance acts through a timelock, and the referee is its own key that cannot report.
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
        assertTrue(timelock.hasRole(timelock.PROPOSER_ROLE(), d.governor));
        assertFalse(timelock.hasRole(timelock.PROPOSER_ROLE(), deployer));
        assertFalse(timelock.hasRole(adminRole, deployer));

        // The referee is a key of its own.
        assertTrue(d.verifier.hasRole(d.verifier.REFEREE_ROLE(), d.referee));
        assertTrue(d.referee != deployer && d.governor != deployer && d.referee != d.governor);
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
