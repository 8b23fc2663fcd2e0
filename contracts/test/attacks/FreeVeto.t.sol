// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {IModelRegistry} from "../../src/interfaces/IModelRegistry.sol";
import {ProtocolFixture} from "../utils/ProtocolFixture.sol";

/// @notice Finding 4, free vetoes: a challenge cost nothing, stopped confirmations and nothing
/// resolved it, so one provider (or the creator) blocked every honest version. Now a challenge
/// bonds the task's stake, a winners' majority still finalizes, the referee (not governance)
/// resolves it within a deadline and a dismissed challenger loses its bond; a late referee lets
/// the challenge lapse with the bond returned, and the version then needs a winners' majority.
contract FreeVetoTest is ProtocolFixture {
    uint256 internal taskId;
    uint256 internal modelId;
    uint256 internal genesis;
    address[] internal winners;

    function setUp() public {
        _deploy();
        taskId = _startTask(_params(), 4);
        modelId = tm.getTask(taskId).modelId;
        genesis = registry.getModel(modelId).head;
        _runRound(taskId, 0, 2);
        winners = _roundWinners(taskId, 0, 2);
    }

    function test_attack_aChallengeIsNotFree() public {
        uint256 v = _proposeVersion(taskId, 0, genesis, winners[0], keccak256("honest"));
        bytes32 salt = _commitVersionChallenge(creator, v, "");
        vm.prank(creator);
        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientAllowance.selector, address(distributor), 0, MIN_STAKE)
        );
        registry.challenge(v, "", salt);
        uint256 before = token.balanceOf(creator);
        _challengeVersion(creator, v);
        assertEq(token.balanceOf(creator), before);
        assertEq(distributor.bondOf(bytes32(v)), MIN_STAKE);
    }

    function test_attack_aChallengeDoesNotStopAWinnersMajority() public {
        uint256 v = _proposeVersion(taskId, 0, genesis, winners[0], keccak256("honest"));
        _challengeVersion(creator, v);
        uint256 needed = registry.getVersion(v).requiredSigners;
        for (uint256 i = 1; i < needed; ++i) {
            _confirmVersion(v, winners[i]);
        }
        assertEq(registry.getModel(modelId).head, v);
    }

    function test_attack_aDismissedChallengerLosesItsBond() public {
        uint256 v = _proposeVersion(taskId, 0, genesis, winners[0], keccak256("honest"));
        _challengeVersion(creator, v);
        uint256 supply = token.totalSupply();
        vm.prank(referee);
        registry.resolveChallenge(v, false, CLAIM);
        assertEq(registry.getModel(modelId).head, v);
        assertEq(distributor.bondOf(bytes32(v)), 0);
        assertEq(distributor.claimableOf(creator), 0);
        // Most of the bond is burnt; the wronged aggregator gets the reporter's share.
        (uint256 burned, uint256 share) = distributor.slashShares(MIN_STAKE, winners[0]);
        assertEq(token.totalSupply(), supply - burned);
        assertEq(distributor.claimableOf(winners[0]), share + REWARD * _acceptedResults(winners[0]));
    }

    /// Before, an upheld challenge only rejected the forged version: its aggregator lost nothing
    /// and could try again every round (the simulator's colluding ring kept its pay).
    function test_attack_anUpheldChallengeRejectsTheVersionSlashesItsAggregatorAndPaysTheChallenger() public {
        uint256 v = _proposeVersion(taskId, 0, genesis, winners[0], keccak256("wrong"));
        _challengeVersion(winners[1], v);
        (uint128 stakedBefore,) = distributor.stakes(winners[0]);
        vm.expectEmit(address(registry));
        emit IModelRegistry.VersionSlashed(v, taskId, winners[0], winners[1], MIN_STAKE);
        vm.prank(referee);
        registry.resolveChallenge(v, true, CLAIM);
        assertEq(uint8(registry.getVersion(v).status), uint8(IModelRegistry.VersionStatus.Rejected));
        assertEq(registry.getModel(modelId).head, genesis);
        (uint128 stakedAfter,) = distributor.stakes(winners[0]);
        assertEq(stakedBefore - stakedAfter, MIN_STAKE, "the aggregator lost the task's stake");
        assertEq(distributor.claimableOf(winners[0]), 0, "and its unclaimed rewards");
        (, uint256 share) = distributor.slashShares(MIN_STAKE, winners[1]);
        assertEq(distributor.claimableOf(winners[1]), MIN_STAKE + REWARD * _acceptedResults(winners[1]) + share);
    }

    /// A challenge opens only from a commitment made in an earlier block, so whoever copies an
    /// opening seen in the mempool cannot take the challenger's share; a commitment opens once.
    function test_attack_aCopiedOpeningFindsNoCommitment() public {
        uint256 v = _proposeVersion(taskId, 0, genesis, winners[0], keccak256("wrong"));
        bytes32 reason = keccak256("recomputed differently");
        bytes32 salt = keccak256("salt");
        _fund(creator, MIN_STAKE);
        vm.startPrank(creator);
        token.approve(address(distributor), MIN_STAKE);
        bytes32 own = registry.challengeCommitmentOf(creator, v, reason, salt);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.ChallengeNotCommitted.selector, own));
        registry.challenge(v, reason, salt);
        registry.commitChallenge(own);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.ChallengeNotCommitted.selector, own));
        registry.challenge(v, reason, salt); // in the commitment's own block
        vm.stopPrank();
        vm.roll(block.number + 1);
        // The copier saw the opening's arguments; its own commitment differs, it has none.
        bytes32 copied = registry.challengeCommitmentOf(winners[1], v, reason, salt);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.ChallengeNotCommitted.selector, copied));
        vm.prank(winners[1]);
        registry.challenge(v, reason, salt);
        vm.prank(creator);
        registry.challenge(v, reason, salt);
        (address challenger,,,,) = registry.challenges(v);
        assertEq(challenger, creator);
        assertEq(registry.challengeCommitments(own), 0, "spent");
    }

    /// The forger sees a commitment on chain and commits the same hash again in the block of the
    /// opening, ordered before it: were that allowed, the commitment would look made in that block
    /// and the opening would revert, block after block, until the challenge window closed.
    function test_attack_recommittingAChallengersCommitmentCannotPostponeItsOpening() public {
        uint256 v = _proposeVersion(taskId, 0, genesis, winners[0], keccak256("wrong"));
        bytes32 reason = keccak256("recomputed differently");
        bytes32 salt = _commitVersionChallenge(winners[1], v, reason);
        vm.roll(block.number + 1);
        bytes32 c = registry.challengeCommitmentOf(winners[1], v, reason, salt);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.ChallengeAlreadyCommitted.selector, c));
        vm.prank(winners[0]);
        registry.commitChallenge(c);
        uint256 bond = registry.challengeBond(v);
        _fund(winners[1], bond);
        vm.startPrank(winners[1]);
        token.approve(address(distributor), bond);
        registry.challenge(v, reason, salt);
        vm.stopPrank();
        (address challenger,,,,) = registry.challenges(v);
        assertEq(challenger, winners[1]);
    }

    function test_aChallengeLapsesWhenTheRefereeIsLate() public {
        uint256 v = _proposeVersion(taskId, 0, genesis, winners[0], keccak256("honest"));
        _challengeVersion(creator, v);
        (,, uint64 resolveBy,,) = registry.challenges(v);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.ChallengeUnresolvedUntil.selector, resolveBy));
        registry.expireChallenge(v);
        vm.warp(resolveBy);
        vm.prank(referee);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.ChallengeLapsed.selector, v, resolveBy));
        registry.resolveChallenge(v, false, CLAIM);
        registry.expireChallenge(v);
        assertEq(distributor.claimableOf(creator), MIN_STAKE);
        // Nobody judged it: no quiet window makes it final, only a winners' majority.
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.ChallengeWindowOpen.selector, type(uint64).max));
        registry.finalizeVersion(v);
        uint256 needed = registry.getVersion(v).requiredSigners;
        for (uint256 i = 1; i < needed; ++i) {
            _confirmVersion(v, winners[i]);
        }
        assertEq(registry.getModel(modelId).head, v);
    }

    /// A late referee made a challenged version final: the lapse put it back to its quiet window,
    /// which a challenge opened late in that window had outlasted, so a minority aggregator's
    /// version, signed by itself alone, became the head without anyone judging it.
    function test_attack_anUnjudgedVersionIsNotFinalByItsQuietWindow() public {
        uint256 v = _proposeVersion(taskId, 0, genesis, winners[0], keccak256("forged"));
        vm.warp(registry.getVersion(v).challengeDeadline - 1);
        _challengeVersion(creator, v);
        (,, uint64 resolveBy,,) = registry.challenges(v);
        vm.warp(resolveBy);
        registry.expireChallenge(v);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.ChallengeWindowOpen.selector, type(uint64).max));
        registry.finalizeVersion(v);
        assertEq(registry.getModel(modelId).head, genesis);
    }

    /// Without a window of its own, a lapsed version could be challenged again at any time, even
    /// after its round or task ended, slashing its signers long after their stake was free to go.
    function test_aLapsedVersionIsChallengedAgainOnlyWhileItsRoundRuns() public {
        uint256 v = _proposeVersion(taskId, 0, genesis, winners[0], keccak256("forged"));
        _challengeVersion(creator, v);
        (,, uint64 resolveBy,,) = registry.challenges(v);
        vm.warp(resolveBy);
        registry.expireChallenge(v);
        // The round ends without a version, and the next one starts.
        vm.warp(block.timestamp + tm.getTask(taskId).aggregateWindow);
        tm.advance(taskId);
        bytes32 salt = _commitVersionChallenge(winners[1], v, "");
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.ProposalExpired.selector, v, 0, 1));
        vm.prank(winners[1]);
        registry.challenge(v, "", salt);
    }

    function test_attack_theRefereeCannotChallenge() public {
        uint256 v = _proposeVersion(taskId, 0, genesis, winners[0], keccak256("honest"));
        bytes32 salt = _commitVersionChallenge(referee, v, "");
        vm.prank(referee);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.NotAllowedToChallenge.selector, referee));
        registry.challenge(v, "", salt);
    }

    function _acceptedResults(address who) internal view returns (uint256 n) {
        for (uint256 shard = 0; shard < 2; ++shard) {
            address[] memory a = _assignees(taskId, 0, shard);
            for (uint256 i = 0; i < a.length; ++i) {
                if (a[i] == who) ++n;
            }
        }
    }
}
