// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ITaskManager} from "../../src/interfaces/ITaskManager.sol";
import {ProtocolFixture} from "../utils/ProtocolFixture.sol";
import {IConsensusVerifier} from "../../src/interfaces/IConsensusVerifier.sol";
import {IModelRegistry} from "../../src/interfaces/IModelRegistry.sol";
import {commitOne, finalizeOne, noDecisions, oneDecision, oneReveal, revealOne} from "../utils/VerifierCalls.sol";
import {Packed} from "../utils/Packed.sol";

/// @dev Drives whole tasks through commit, copy attempts, reveal, finalize, referee verdicts,
/// version proposals, confirmations and challenges, and advance, with honest and deviating
/// providers, providers that copy another replica's commitment or withhold, and signers that did
/// not win the round.
/// `step` is the honest network: each call does the next thing the protocol waits for (a commit, a
/// reveal, a finalize, a verdict, a proposal by a majority of the winners, an advance, a new task
/// once one ended), or lets time run to the next deadline when some replicas withhold. The other
/// actions pick only currently valid actors and targets (a replica that has not committed yet, a
/// shard whose reveal window is open...), so nearly every call changes the state; the adversarial
/// ones (deviating results, copied commitments, signatures of non-winners, minorities, early or
/// stale finalizations) are drawn often enough to meet every phase.
contract ProtocolHandler is ProtocolFixture {
    uint256 internal constant PROVIDERS = 5;
    uint256 internal constant SHARDS = 2;

    uint256 public taskId;
    uint256 public tasksCreated;
    address[] internal providerList;

    /// What a replica committed, one slot: its delta, salt and fingerprint follow from where it
    /// sits (`_cidOf`, `_saltOf`, `_fpOf`), so only how it behaved is stored.
    struct Entry {
        bool deviating;
        bool copied;
        uint8 victim;
    }

    /// (task, round, shard, attempt, replica) => what was committed there
    mapping(bytes32 => Entry) internal entries;
    /// (task, round, shard, provider) => rewards received
    mapping(bytes32 => uint256) public rewardsPerResult;
    /// versions => the signers whose signatures went through, counted here rather than read back
    mapping(uint256 versionId => mapping(address signer => bool)) internal signedBy;
    mapping(uint256 versionId => uint256) internal signerCount;
    /// versions challenged at some point (their challenge may be settled since)
    uint256[] internal challenged;
    /// the latest proposal that went through for a round
    mapping(uint256 taskId => mapping(uint256 round => uint256 versionId)) internal lastProposal;

    /// The rounds [from, until) a provider's latest step away covers (from == until: none).
    struct Away {
        uint64 from;
        uint64 until;
    }

    mapping(uint256 taskId => mapping(address provider => Away)) internal awayRounds;

    // ---- safety: each must stay zero
    uint256 public ghostCopierReveals;
    uint256 public ghostDoubleRewards;
    uint256 public ghostRewardMismatches;
    /// @dev The task and round in which a provider was slashed (round + 1, so 0 means never).
    mapping(address provider => mapping(uint256 taskId => uint256 roundPlusOne)) public slashedIn;
    /// versions signed (proposed or confirmed) by someone who did not win the round
    uint256 public ghostLoserSignatures;
    /// shards decided by their last replica's reveal rather than by `finalize`
    uint256 public ghostDecidingReveals;
    /// `_decideShard` by `finalize`, not by a reveal
    uint256 internal constant NO_REVEALER = type(uint256).max;
    /// versions that became the head with fewer signers than a majority of the round's winners,
    /// other than by a quiet challenge window (or a challenge the referee dismissed)
    uint256 public ghostMinorityHeads;
    /// versions that became final after their round ended
    uint256 public ghostStaleHeads;
    /// proposals that went through with a delta root other than that of the round's accepted results
    uint256 public ghostForgedRoots;

    // ---- progress: how far the run got
    uint256 public ghostFinalized;
    uint256 public ghostAcceptedResults;
    uint256 public ghostCopyAttempts;
    uint256 public ghostDeviations;
    uint256 public ghostWithheld;
    uint256 public ghostDisputes;
    uint256 public ghostVerdicts;
    uint256 public ghostRounds;
    uint256 public ghostProposals;
    uint256 public ghostLoserAttempts;
    uint256 public ghostForgeAttempts;
    uint256 public ghostVersionsFinal;
    /// Versions made final that their round's `roundStarts` does not name.
    uint256 public ghostUnrecordedFinals;
    uint256 public ghostMajorityFinals;
    uint256 public ghostQuietFinals;
    uint256 public ghostChallenges;
    uint256 public ghostChallengesSettled;
    uint256 public ghostCosignersSlashed;
    uint256 public ghostStepsAway;
    uint256 internal ejectionsClosed;
    uint256 internal steps;

    constructor() {
        _deploy();
        for (uint256 i = 0; i < PROVIDERS; ++i) {
            address who = _provider(i);
            providerList.push(who);
            _stake(who, 2 * uint256(MIN_STAKE));
        }
        _newTask();
    }

    // ---------------------------------------------------------------- the honest network

    /// Does the next thing the protocol waits for, or lets time run out on those who withhold.
    function step(uint256 seed) external {
        _step(seed);
    }

    /// Every other action falls back to this when it has nothing to act on in the current phase,
    /// so no call of the campaign is wasted.
    function _step(uint256 seed) internal {
        // Fuzzed words lean to edge values (0, 1, max); the honest network's choices should not.
        seed = uint256(keccak256(abi.encode(seed, ++steps)));
        if (!_running()) {
            _nextTask();
            return;
        }
        if (tm.isRoundDecided(taskId)) {
            _stepDecided(seed);
            return;
        }
        for (uint256 k = 0; k < SHARDS; ++k) {
            if (_stepShard((seed % SHARDS + k) % SHARDS, seed >> 8)) return;
        }
    }

    function _stepShard(uint256 shard, uint256 seed) internal returns (bool) {
        S memory st = _state(shard);
        if (st.disputed) {
            // The referee answers three times out of four; otherwise its window lapses.
            _settleSplit(shard, st, seed % 4 != 0);
            return true;
        }
        if (!st.open) return false;
        if (st.a.length == 0) {
            vm.roll(block.number + 1); // the attempt's draw is readable from the block after its start
            return true;
        }
        uint256 full = (1 << st.a.length) - 1;
        if (block.timestamp < st.commitDeadline && st.committed != full) {
            if (seed % 16 == 0) {
                ghostWithheld++;
                vm.warp(st.commitDeadline); // the replicas yet to commit withhold
            } else {
                // One honest-looking commit in sixteen deviates.
                _commitAs(shard, st, _nth(full & ~st.committed, 0), seed % 16 == 1);
            }
            return true;
        }
        if (block.timestamp < st.revealDeadline) {
            uint256 pending = st.committed & ~st.revealed & ~_copiedMask(shard, st);
            if (pending != 0 && seed % 16 != 0) {
                _revealAs(shard, st, _nth(pending, 0));
                return true;
            }
            if (st.revealed != full) {
                ghostWithheld++;
                vm.warp(st.revealDeadline); // the rest withhold (a copier cannot reveal)
                return true;
            }
        }
        _finalizeShard(shard, st);
        return true;
    }

    /// A decided round. Without a proposal, a winner proposes with a random subset of the winners
    /// (a majority or not); with one pending, more winners confirm it, or it waits out its challenge
    /// window, or is challenged, or its challenge is settled; or the aggregation window passes and
    /// the round advances (a quarter of the time, and always once a version is final or nobody won).
    function _stepDecided(uint256 seed) internal {
        uint256 round = tm.getTask(taskId).currentRound;
        uint256 winners = _winnerMask(round);
        uint256 r = seed % 8;
        if (_roundVersion(round) == 0 && winners != 0 && r < 6) {
            uint256 versionId = lastProposal[taskId][round];
            IModelRegistry.VersionStatus status = registry.getVersion(versionId).status;
            if (status != IModelRegistry.VersionStatus.Proposed && status != IModelRegistry.VersionStatus.Challenged) {
                address who = providerList[_nth(winners, (seed >> 8) % _popcount(winners))];
                uint256 pick = (winners & (seed >> 16)) | _bitOf(who);
                // One time in eight the aggregator also gathered a signature of a provider that did
                // not win: the proposal must be refused.
                uint256 losers = ((1 << PROVIDERS) - 1) & ~winners;
                if ((seed >> 32) % 8 == 0 && losers != 0) pick |= 1 << _nth(losers, (seed >> 40) % _popcount(losers));
                _proposeWith(round, who, pick, seed >> 48);
                return;
            }
            if (r < 3 && _confirm(versionId, seed >> 8, false)) return;
            if (r == 3 && _finalizeQuiet(versionId, true)) return;
            if (r == 4 && _challenge(versionId, seed >> 8)) return;
            if (r == 5 && _settleChallenge(versionId, uint8(seed >> 8))) return;
        }
        _advanceDue(tm.getTask(taskId));
        ghostRounds++;
        // Completed, cancelled, out of drawable providers or stalled: start another.
        if (!_running()) _nextTask();
    }

    /// Ends the running round once it may end: after the aggregation window, and after the
    /// window of a version that holds it (one not final at once may still become so); a pending
    /// version whose quiet window passed is made final first (as `advance` would, counted here).
    function _advanceDue(ITaskManager.Task memory t) internal {
        vm.warp(block.timestamp + t.aggregateWindow);
        (uint256 heldRound, uint64 until) = tm.roundHold(taskId);
        if (heldRound == t.currentRound && block.timestamp < until) vm.warp(until);
        uint256[] memory pending = tm.pendingVersions(taskId, t.currentRound);
        for (uint256 i = 0; i < pending.length; ++i) {
            if (_finalizeQuiet(pending[i], false)) return;
        }
        _advance(taskId);
    }

    // ---------------------------------------------------------------- providers

    /// An assignee that has not committed yet commits an honest result, or (one time in four) a
    /// deviating one or exactly what another replica committed (a copy it cannot open).
    function commit(uint256 shardSeed, uint256 replicaSeed, uint256 victimSeed, uint8 mode) external {
        for (uint256 k = 0; k < SHARDS && _running(); ++k) {
            uint256 shard = (shardSeed % SHARDS + k) % SHARDS;
            S memory st = _state(shard);
            uint256 free = _uncommitted(st);
            if (free == 0) continue;
            uint256 replica = _nth(free, replicaSeed % _popcount(free));
            uint256 victims = st.committed & ~_copiedMask(shard, st);
            if (mode % 8 == 1 && victims != 0) {
                _copyCommit(shard, st, replica, _nth(victims, victimSeed % _popcount(victims)));
            } else {
                _commitAs(shard, st, replica, mode % 8 == 0);
            }
            return;
        }
        _step(shardSeed);
    }

    /// A replica that committed and has not revealed reveals (a copier tries the victim's opening).
    function reveal(uint256 shardSeed, uint256 replicaSeed) external {
        for (uint256 k = 0; k < SHARDS && _running(); ++k) {
            uint256 shard = (shardSeed % SHARDS + k) % SHARDS;
            S memory st = _state(shard);
            if (!st.open || st.a.length == 0 || block.timestamp >= st.revealDeadline) continue;
            if (block.timestamp < st.commitDeadline && st.committed != (1 << st.a.length) - 1) continue;
            uint256 pending = st.committed & ~st.revealed;
            if (pending == 0) continue;
            _revealAs(shard, st, _nth(pending, replicaSeed % _popcount(pending)));
            return;
        }
        _step(replicaSeed);
    }

    /// Anyone finalizes a shard whose replicas all revealed or whose reveal window ended.
    function finalize(uint256 shardSeed) external {
        for (uint256 k = 0; k < SHARDS && _running(); ++k) {
            uint256 shard = (shardSeed % SHARDS + k) % SHARDS;
            S memory st = _state(shard);
            if (!st.open || st.a.length == 0) continue;
            if (block.timestamp < st.revealDeadline && st.revealed != (1 << st.a.length) - 1) continue;
            _finalizeShard(shard, st);
            return;
        }
        _step(shardSeed);
    }

    /// The referee settles a split as its re-execution would (the replicas that did not deviate
    /// win, the others are slashed and ejected), or (one time in four) misses its window and anyone
    /// re-queues the shard.
    function resolve(uint256 shardSeed, uint8 mode) external {
        for (uint256 k = 0; k < SHARDS && _running(); ++k) {
            uint256 shard = (shardSeed % SHARDS + k) % SHARDS;
            S memory st = _state(shard);
            if (!st.disputed) continue;
            _settleSplit(shard, st, mode % 4 != 0);
            return;
        }
        _step(shardSeed);
    }

    /// A provider of the running task steps away (a volunteer's pause) or back. At most two of the
    /// five are away at once, so most tasks run on.
    function toggleAway(uint256 whoSeed) external {
        if (!_running()) return _step(whoSeed);
        address who = providerList[whoSeed % PROVIDERS];
        uint64 next = uint64(tm.getTask(taskId).currentRound) + 1;
        Away storage a = awayRounds[taskId][who];
        if (tm.isAway(taskId, who)) {
            vm.prank(who);
            tm.stepBack(taskId);
            a.until = next;
        } else if (_popcount(tm.away(taskId)) < 2) {
            vm.prank(who);
            tm.stepAway(taskId);
            (a.from, a.until) = (next, type(uint64).max);
            ghostStepsAway++;
        } else {
            _step(whoSeed);
        }
    }

    /// Time passes, up to a third of a window.
    function warp(uint256 secondsSeed) external {
        vm.warp(block.timestamp + secondsSeed % 11);
        vm.roll(block.number + 1);
    }

    // ---------------------------------------------------------------- versions

    /// A provider proposes a version of the decided round with the signatures of a set of providers
    /// that includes it: a random subset of the winners (a majority or not), and one time in four a
    /// provider that did not win (as aggregator or co-signer), which must be refused.
    function propose(uint256 whoSeed, uint256 maskSeed, uint256 hashSeed, uint8 mode) external {
        uint256 round = tm.getTask(taskId).currentRound;
        if (!_running() || !tm.isRoundDecided(taskId) || _roundVersion(round) != 0) {
            _step(hashSeed);
            return;
        }
        uint256 winners = _winnerMask(round);
        uint256 losers = ((1 << PROVIDERS) - 1) & ~winners;
        uint256 pick = winners & maskSeed;
        address who;
        if (winners == 0 || (mode % 4 == 0 && losers != 0)) {
            uint256 loser = _nth(losers, (whoSeed >> 8) % _popcount(losers));
            pick |= 1 << loser;
            bool loserAggregates = (mode >> 2) % 2 == 0 || winners == 0;
            who = providerList[loserAggregates ? loser : _nth(winners, whoSeed % _popcount(winners))];
        } else {
            who = providerList[_nth(winners, whoSeed % _popcount(winners))];
        }
        _proposeWith(round, who, pick | _bitOf(who), hashSeed);
    }

    /// Winners that have not signed yet (a random subset, and one time in four a provider that did
    /// not win) add their signatures to one of the latest proposals.
    function confirm(uint256 versionSeed, uint256 maskSeed, uint8 mode) external {
        if (!_confirm(_recentVersion(versionSeed), maskSeed, mode % 4 == 0)) _step(maskSeed);
    }

    /// A provider of the task or its creator challenges one of the latest proposals in its window.
    function challenge(uint256 versionSeed, uint256 whoSeed) external {
        if (!_challenge(_recentVersion(versionSeed), whoSeed)) _step(whoSeed);
    }

    /// The referee upholds or dismisses an open challenge, or (one time in three) it lapses and
    /// anyone expires it.
    function settleChallenge(uint256 pickSeed, uint8 mode) external {
        uint256 n = challenged.length;
        if (n == 0 || !_settleChallenge(challenged[pickSeed % n], mode)) _step(pickSeed);
    }

    /// Anyone finalizes one of the latest proposals once (`wait`: after waiting out) its challenge
    /// window; too early, or for a round that ended, it must be refused.
    function finalizeQuiet(uint256 versionSeed, bool wait) external {
        if (!_finalizeQuiet(_recentVersion(versionSeed), wait)) _step(versionSeed);
    }

    function _confirm(uint256 versionId, uint256 maskSeed, bool withLoser) internal returns (bool) {
        IModelRegistry.Version memory v = registry.getVersion(versionId);
        if (v.status != IModelRegistry.VersionStatus.Proposed && v.status != IModelRegistry.VersionStatus.Challenged) {
            return false;
        }
        uint256 winners = _winnerMask(v.round);
        uint256 unsigned;
        for (uint256 i = 0; i < PROVIDERS; ++i) {
            if (!signedBy[versionId][providerList[i]]) unsigned |= 1 << i;
        }
        uint256 pick = winners & unsigned & maskSeed;
        uint256 losers = unsigned & ~winners;
        if (withLoser && losers != 0) pick |= 1 << _nth(losers, (maskSeed >> 8) % _popcount(losers));
        else if (pick == 0 && winners & unsigned != 0) pick = 1 << _nth(winners & unsigned, 0);
        if (pick == 0) return false;
        address[] memory signers = _addresses(pick);
        if (pick & ~winners != 0) ghostLoserAttempts++;
        try this.confirmAs(versionId, signers) {
            _recordSigners(versionId, winners, signers, v.status);
            return true;
        } catch {
            return false;
        }
    }

    function _challenge(uint256 versionId, uint256 whoSeed) internal returns (bool) {
        IModelRegistry.Version memory v = registry.getVersion(versionId);
        if (v.status != IModelRegistry.VersionStatus.Proposed || block.timestamp >= v.challengeDeadline) return false;
        // One whose challenge lapsed has no window of its own: challenged again only while current.
        bool current = v.taskId == taskId && _running() && v.round == tm.getTask(taskId).currentRound
            && _roundVersion(v.round) == 0;
        if (v.challengeDeadline == registry.NO_QUIET_WINDOW() && !current) return false;
        uint256 i = whoSeed % (PROVIDERS + 1);
        _challengeVersion(i == PROVIDERS ? creator : providerList[i], versionId);
        challenged.push(versionId);
        ghostChallenges++;
        return true;
    }

    function _settleChallenge(uint256 versionId, uint8 mode) internal returns (bool) {
        (address challenger,, uint64 resolveBy,,) = registry.challenges(versionId);
        if (challenger == address(0)) return false;
        IModelRegistry.Version memory v = registry.getVersion(versionId);
        // Waiting out the referee's window only while nothing else runs against the clock.
        if (mode % 3 == 0 && block.timestamp < resolveBy && _waitable(v)) vm.warp(resolveBy);
        // Read before: a version made final ends its round in the same call.
        uint256 roundBefore = tm.getTask(taskId).currentRound;
        if (block.timestamp >= resolveBy) {
            registry.expireChallenge(versionId);
        } else {
            // Now and then the referee recomputes another claim than the challenger's: its bond is
            // burnt and the slashes have no reporter, which the books must take too.
            bytes32 found = (mode / 3) % 2 == 0 ? CLAIM : keccak256("another claim");
            vm.prank(referee);
            registry.resolveChallenge(versionId, mode % 3 == 1, found);
            // An upheld challenge slashes and ejects the aggregator; its draws of this round stand.
            if (mode % 3 == 1) {
                slashedIn[v.aggregator][taskId] = tm.getTask(taskId).currentRound + 1;
                _slashCosigners(versionId, v.aggregator);
            }
            // A dismissed challenge finalizes its version while the round runs: the referee's word.
            if (
                v.status == IModelRegistry.VersionStatus.Challenged
                    && registry.getVersion(versionId).status == IModelRegistry.VersionStatus.Final
            ) {
                _countFinal(versionId, v.round);
                if (v.round != roundBefore) ghostStaleHeads++;
            }
        }
        ghostChallengesSettled++;
        return true;
    }

    /// Every signer of a version an upheld challenge rejected is slashed and ejected, as the referee does.
    function _slashCosigners(uint256 versionId, address aggregator) internal {
        for (uint256 i = 0; i < providerList.length; ++i) {
            address p = providerList[i];
            if (p == aggregator || !registry.confirmedBy(versionId, p)) continue;
            registry.slashCosigner(versionId, p);
            slashedIn[p][taskId] = tm.getTask(taskId).currentRound + 1;
            ghostCosignersSlashed++;
        }
    }

    function _finalizeQuiet(uint256 versionId, bool wait) internal returns (bool) {
        IModelRegistry.Version memory v = registry.getVersion(versionId);
        if (v.status != IModelRegistry.VersionStatus.Proposed) return false;
        if (wait && block.timestamp < v.challengeDeadline && _waitable(v)) vm.warp(v.challengeDeadline);
        // Read before: a version made final ends its round in the same call.
        bool current = v.round == tm.getTask(taskId).currentRound && _running();
        try registry.finalizeVersion(versionId) {
            _countFinal(versionId, v.round);
            ghostQuietFinals++;
            if (block.timestamp < v.challengeDeadline) ghostMinorityHeads++;
            if (!current) ghostStaleHeads++;
            return true;
        } catch {
            return false;
        }
    }

    function proposeAs(
        IModelRegistry.Proposal memory p,
        address who,
        address[] memory signers,
        IConsensusVerifier.AcceptedResult[] memory results
    ) external returns (uint256) {
        (address[] memory sorted, bytes[] memory signatures) = _signAll(p, signers);
        vm.prank(who);
        uint256 versionId = registry.propose(p, sorted, signatures, results);
        _proposals[versionId] = p;
        return versionId;
    }

    function confirmAs(uint256 versionId, address[] memory signers) external {
        IModelRegistry.Proposal memory p = _proposalOf(versionId);
        (address[] memory sorted, bytes[] memory signatures) = _signAll(p, signers);
        registry.confirm(versionId, p.data, sorted, signatures);
    }

    // ---------------------------------------------------------------- for the test

    /// Cancels the running task, lets its round end (re-runs included), expires every open
    /// challenge and releases every lock.
    function closeEverything() external {
        ITaskManager.Task memory t = tm.getTask(taskId);
        if (t.status == ITaskManager.TaskStatus.Running) {
            vm.prank(creator);
            tm.cancel(taskId);
            // Each attempt may take a finalize and, for a split the referee leaves alone, an expiry.
            for (uint256 i = 0; i < 8 && !tm.isRoundDecided(taskId); ++i) {
                vm.warp(block.timestamp + t.commitWindow + 2 * uint256(t.revealWindow));
                vm.roll(block.number + 1);
                for (uint256 shard = 0; shard < SHARDS; ++shard) {
                    S memory st = _state(shard);
                    if (st.disputed) _settleSplit(shard, st, false);
                    else if (st.open && st.a.length > 0) _finalizeShard(shard, st);
                }
            }
            _advanceDue(t);
        }
        _unlockAll(t.challengeWindow);
        vm.warp(block.timestamp + t.challengeWindow);
        for (uint256 i = 0; i < challenged.length; ++i) {
            (address challenger,,,,) = registry.challenges(challenged[i]);
            if (challenger != address(0)) registry.expireChallenge(challenged[i]);
        }
        for (uint256 i = 0; i < PROVIDERS; ++i) {
            address who = providerList[i];
            (uint128 staked,) = distributor.stakes(who);
            if (staked > 0) {
                vm.prank(who);
                distributor.requestUnstake(staked);
            }
        }
        vm.warp(block.timestamp + UNBONDING);
        for (uint256 i = 0; i < PROVIDERS; ++i) {
            address who = providerList[i];
            vm.startPrank(who);
            (, uint128 unbonding) = distributor.stakes(who);
            if (unbonding > 0) distributor.withdraw(); // a slashed provider may have nothing left
            if (distributor.claimableOf(who) > 0) distributor.claim();
            vm.stopPrank();
        }
        if (distributor.claimableOf(creator) > 0) {
            vm.prank(creator);
            distributor.claim();
        }
    }

    function tokenBalanceOfDistributor() external view returns (uint256) {
        return token.balanceOf(address(distributor));
    }

    function accounted() external view returns (uint256) {
        return distributor.accountedBalance();
    }

    /// Providers ejected from a task's draws, over every task of the run.
    function ghostEjections() external view returns (uint256) {
        return ejectionsClosed + _popcount(tm.ejected(taskId));
    }

    /// Whether every assignee of every open shard of the running task has its stake locked for it.
    function openAssignmentsLocked() external view returns (bool) {
        if (!_running()) return true;
        for (uint256 shard = 0; shard < SHARDS; ++shard) {
            S memory st = _state(shard);
            if (!st.open) continue;
            for (uint256 i = 0; i < st.a.length; ++i) {
                // A slash ejects the provider from later rounds; the draws of the round it was
                // slashed in stand, so only there may it hold an assignment with its lock spent.
                if (slashedIn[st.a[i]][taskId] == st.round + 1) continue;
                if (distributor.taskLock(taskId, st.a[i]) < MIN_STAKE) return false;
            }
        }
        return true;
    }

    /// Whether no assignee of the running round had stepped away from the task before it started.
    function awayNeverDrawn() external view returns (bool) {
        if (!_running()) return true;
        for (uint256 shard = 0; shard < SHARDS; ++shard) {
            S memory st = _state(shard);
            for (uint256 i = 0; i < st.a.length; ++i) {
                Away memory a = awayRounds[taskId][st.a[i]];
                if (a.from <= st.round && st.round < a.until) return false;
            }
        }
        return true;
    }

    /// Whether the head of the running task's model is a final version.
    function headIsFinal() external view returns (bool) {
        uint256 head = registry.getModel(tm.getTask(taskId).modelId).head;
        return registry.getVersion(head).status == IModelRegistry.VersionStatus.Final;
    }

    // ---------------------------------------------------------------- internal: shards

    function _commitAs(uint256 shard, S memory st, uint256 replica, bool deviate) internal {
        if (deviate) {
            entries[_key(st.round, shard, st.attempt, replica)].deviating = true;
            ghostDeviations++;
        }
        bytes32 c = _commitmentOf(st, shard, replica);
        vm.prank(st.a[replica]);
        commitOne(verifier, taskId, st.round, shard, replica, c);
    }

    function _copyCommit(uint256 shard, S memory st, uint256 copier, uint256 victim) internal {
        Entry storage e = entries[_key(st.round, shard, st.attempt, copier)];
        e.copied = true;
        e.victim = uint8(victim);
        ghostCopyAttempts++;
        bytes32 c = verifier.resultOf(taskId, st.round, shard, st.attempt, victim);
        vm.prank(st.a[copier]);
        commitOne(verifier, taskId, st.round, shard, copier, c);
    }

    function _copiedReveal(uint256 shard, S memory st, uint256 replica, uint256 v)
        internal
        view
        returns (IConsensusVerifier.RevealEntry[] memory)
    {
        return oneReveal(shard, replica, _opening(_cidOf(st, v), _fpOf(st, shard, v), _saltOf(st, shard, v)));
    }

    function _revealAs(uint256 shard, S memory st, uint256 replica) internal {
        Entry storage e = entries[_key(st.round, shard, st.attempt, replica)];
        _pastSeedBlock(taskId, st.round, shard);
        if (e.copied) {
            // The copier knows the victim's preimage once the victim revealed; it still must fail.
            IConsensusVerifier.RevealEntry[] memory copied = _copiedReveal(shard, st, replica, e.victim);
            vm.prank(st.a[replica]);
            try verifier.reveal(taskId, st.round, copied, noDecisions()) {
                ghostCopierReveals++;
            } catch {}
            return;
        }
        int32[] memory fp = _fpOf(st, shard, replica);
        _recordReveal(taskId, st.round, shard, st.attempt, replica, _cidOf(st, replica), fp);
        if ((st.revealed | (1 << replica)) == (1 << st.a.length) - 1) {
            // The last replica to reveal decides the shard in the same transaction.
            st.revealed |= 1 << replica;
            _decideShard(shard, st, replica);
            return;
        }
        vm.prank(st.a[replica]);
        revealOne(
            verifier, taskId, st.round, shard, replica, _opening(_cidOf(st, replica), fp, _saltOf(st, shard, replica))
        );
    }

    function _finalizeShard(uint256 shard, S memory st) internal {
        _decideShard(shard, st, NO_REVEALER);
    }

    /// Decides the shard by `finalize`, or (`revealer` a replica) by that replica's reveal passing
    /// every replica's results, and checks who was paid against the vote.
    function _decideShard(uint256 shard, S memory st, uint256 revealer) internal {
        int32[][] memory fps = new int32[][](st.a.length);
        bool[] memory honest = new bool[](st.a.length);
        uint256 honestCount;
        uint256 count;
        for (uint256 i = 0; i < st.a.length; ++i) {
            if (st.revealed & (1 << i) == 0) continue;
            Entry storage e = entries[_key(st.round, shard, st.attempt, i)];
            fps[i] = _fpOf(st, shard, i);
            ++count;
            honest[i] = !e.deviating;
            if (honest[i]) ++honestCount;
        }
        uint256[] memory before = new uint256[](st.a.length);
        for (uint256 i = 0; i < st.a.length; ++i) {
            before[i] = distributor.claimableOf(st.a[i]);
        }
        bool accepted = _decision(shard, st, revealer, fps);
        ghostFinalized++;
        if (accepted != (honestCount >= (st.a.length >= 2 ? 2 : 1) && honestCount * 2 > count)) {
            ghostRewardMismatches++;
        }
        if (!accepted && count >= 2) ghostDisputes++;
        for (uint256 i = 0; i < st.a.length; ++i) {
            uint256 gained = distributor.claimableOf(st.a[i]) - before[i];
            if (gained != (accepted && honest[i] ? uint256(REWARD) : 0)) ghostRewardMismatches++;
            if (gained > 0) {
                ghostAcceptedResults++;
                if (++rewardsPerResult[keccak256(abi.encode(taskId, st.round, shard, st.a[i]))] > 1) {
                    ghostDoubleRewards++;
                }
            }
        }
        if (accepted) _finalizeAgain(shard, st, fps);
    }

    /// A decided shard can never pay again.
    function _finalizeAgain(uint256 shard, S memory st, int32[][] memory fps) internal {
        try verifier.finalize(taskId, st.round, oneDecision(shard, Packed.packAll(fps), _leaves(fps, _firstCid(st)))) {
            ghostDoubleRewards++;
        } catch {}
    }

    function _decision(uint256 shard, S memory st, uint256 revealer, int32[][] memory fps) internal returns (bool) {
        if (revealer == NO_REVEALER) {
            return finalizeOne(verifier, taskId, st.round, shard, Packed.packAll(fps), _leaves(fps, _firstCid(st)));
        }
        IConsensusVerifier.ShardResults[] memory decide = new IConsensusVerifier.ShardResults[](1);
        decide[0] = IConsensusVerifier.ShardResults(shard, Packed.packAll(fps), _leaves(fps, _firstCid(st)));
        IConsensusVerifier.RevealEntry[] memory entry =
            oneReveal(shard, revealer, _opening(_cidOf(st, revealer), fps[revealer], _saltOf(st, shard, revealer)));
        vm.prank(st.a[revealer]);
        verifier.reveal(taskId, st.round, entry, decide);
        ghostDecidingReveals++;
        (,, IConsensusVerifier.ShardStatus status,,,,) = verifier.assignment(taskId, st.round, shard);
        return status == IConsensusVerifier.ShardStatus.Accepted;
    }

    /// The referee's verdict on a split shard (`answer`), or, once its window ended or when it
    /// does not answer, the expiry that re-queues the shard.
    function _settleSplit(uint256 shard, S memory st, bool answer) internal {
        if (!answer || block.timestamp >= _refereeDeadline(taskId, st.round, shard)) {
            _expireSplit(taskId, st.round, shard);
            return;
        }
        uint256 mask;
        uint256[] memory before = new uint256[](st.a.length);
        for (uint256 i = 0; i < st.a.length; ++i) {
            before[i] = distributor.claimableOf(st.a[i]);
            if (st.revealed & (1 << i) == 0) continue;
            if (entries[_key(st.round, shard, st.attempt, i)].deviating) slashedIn[st.a[i]][taskId] = st.round + 1;
            else mask |= 1 << i;
        }
        vm.prank(referee);
        verifier.resolveSplit(taskId, st.round, shard, mask, bytes32("verdict"));
        ghostVerdicts++;
        for (uint256 i = 0; i < st.a.length; ++i) {
            uint256 claimable = distributor.claimableOf(st.a[i]);
            if (st.revealed & ~mask & (1 << i) != 0) {
                // Slashed: it forfeits everything it had not claimed.
                if (claimable != 0) ghostRewardMismatches++;
                continue;
            }
            uint256 gained = claimable - before[i];
            if (gained != (mask & (1 << i) != 0 ? uint256(REWARD) : 0)) ghostRewardMismatches++;
            if (gained > 0 && ++rewardsPerResult[keccak256(abi.encode(taskId, st.round, shard, st.a[i]))] > 1) {
                ghostDoubleRewards++;
            }
        }
    }

    // ---------------------------------------------------------------- internal: versions

    /// One time in eight each, the aggregator names inputs other than the round's accepted results:
    /// a root of its own, a result nobody revealed, or one winner's result left out. The verifier
    /// must refuse all three.
    function _proposeWith(uint256 round, address who, uint256 pick, uint256 hashSeed) internal {
        uint256 head = registry.getModel(tm.getTask(taskId).modelId).head;
        IModelRegistry.Proposal memory p = _proposal(taskId, round, head, keccak256(abi.encode(hashSeed)));
        bytes32 honestRoot = p.data.deltaRoot;
        IConsensusVerifier.AcceptedResult[] memory results = _acceptedResults(taskId, round);
        uint256 forge = (hashSeed >> 64) % 8;
        if (forge == 0) {
            p.data.deltaRoot = keccak256(abi.encode("a root of its own", hashSeed));
        } else if (forge == 1 && results.length > 0) {
            results[(hashSeed >> 72) % results.length].deltaLeaf = keccak256(abi.encode("unrevealed", hashSeed));
            p.data.deltaRoot = _deltaRoot(results);
        } else if (forge == 2 && results.length > 0) {
            assembly ("memory-safe") {
                mstore(results, sub(mload(results), 1))
            }
            p.data.deltaRoot = _deltaRoot(results);
        }
        if (p.data.deltaRoot != honestRoot) ghostForgeAttempts++;
        address[] memory signers = _addresses(pick);
        // Read before: a version made final ends its round, and a past round has no winners mask.
        uint256 winners = _winnerMask(round);
        if (pick & ~winners != 0) ghostLoserAttempts++;
        try this.proposeAs(p, who, signers, results) returns (uint256 versionId) {
            if (p.data.deltaRoot != honestRoot) ghostForgedRoots++;
            ghostProposals++;
            lastProposal[taskId][round] = versionId;
            _recordSigners(versionId, winners, signers, IModelRegistry.VersionStatus.None);
        } catch {}
    }

    /// Counts signatures by non-winners that went through, and versions made final by a minority
    /// of the round's winners (counting the signatures that went through here, not the registry's
    /// own count).
    function _recordSigners(
        uint256 versionId,
        uint256 winners,
        address[] memory signers,
        IModelRegistry.VersionStatus statusBefore
    ) internal {
        for (uint256 i = 0; i < signers.length; ++i) {
            if (winners & _bitOf(signers[i]) == 0) ghostLoserSignatures++;
            if (!signedBy[versionId][signers[i]]) {
                signedBy[versionId][signers[i]] = true;
                signerCount[versionId]++;
            }
        }
        IModelRegistry.Version memory after_ = registry.getVersion(versionId);
        if (after_.status == IModelRegistry.VersionStatus.Final && statusBefore != IModelRegistry.VersionStatus.Final) {
            _countFinal(versionId, after_.round);
            ghostMajorityFinals++;
            // Its signers, the aggregator included, are a strict majority of the winners.
            if (!_majority(signerCount[versionId], winners)) ghostMinorityHeads++;
        }
    }

    /// A strict majority of `winners`, and more than the task's one confirmation.
    function _majority(uint256 signers, uint256 winners) internal pure returns (bool) {
        return signers * 2 > _popcount(winners) && signers > 1;
    }

    /// The newest version of the running task, or (`seed`) one of the two before it.
    function _recentVersion(uint256 seed) internal view returns (uint256 versionId) {
        uint256 count = registry.versionCount();
        uint256 back = seed % 3;
        if (back >= count) return 0;
        versionId = count - back;
        if (registry.getVersion(versionId).taskId != taskId) return 0;
    }

    /// Whether time may jump over `v`'s windows without closing a commit or reveal window: its
    /// round is decided and still the running one.
    /// A version of the running, decided round with a quiet window to wait out (one whose challenge
    /// lapsed unjudged has none: its deadline is the largest uint64).
    function _waitable(IModelRegistry.Version memory v) internal view returns (bool) {
        return v.taskId == taskId && v.round == tm.getTask(taskId).currentRound && tm.isRoundDecided(taskId)
            && v.challengeDeadline != type(uint64).max;
    }

    // ---------------------------------------------------------------- internal: tasks

    function _running() internal view returns (bool) {
        return tm.getTask(taskId).status == ITaskManager.TaskStatus.Running;
    }

    function _countFinal(uint256 versionId, uint256 round) internal {
        ghostVersionsFinal++;
        if (_roundVersion(round) != versionId) ghostUnrecordedFinals++;
    }

    /// The final version of `round` of the task, 0 while it has none.
    function _roundVersion(uint256 round) internal view returns (uint256 version) {
        (,, version) = verifier.roundStarts(taskId, round);
    }

    /// The running task ended: every provider takes its stake back, tops it up to what joining
    /// locks (a slash may have taken some), and all join a new task.
    function _nextTask() internal {
        ejectionsClosed += _popcount(tm.ejected(taskId));
        _unlockAll(tm.getTask(taskId).challengeWindow);
        for (uint256 i = 0; i < PROVIDERS; ++i) {
            address who = providerList[i];
            (uint128 staked,) = distributor.stakes(who);
            uint256 free = staked - distributor.lockedStake(who);
            if (free < JOIN_LOCK) _stake(who, JOIN_LOCK - free);
        }
        _newTask();
    }

    function _unlockAll(uint32 challengeWindow) internal {
        vm.warp(block.timestamp + challengeWindow);
        for (uint256 i = 0; i < PROVIDERS; ++i) {
            // A provider slashed down to nothing has nothing left to unlock.
            if (distributor.taskLock(taskId, providerList[i]) == 0) continue;
            vm.prank(providerList[i]);
            tm.unlockStake(taskId);
        }
    }

    function _newTask() internal {
        ITaskManager.TaskParams memory p = _params();
        p.rounds = 3;
        p.shards = uint16(SHARDS);
        p.replication = 2;
        p.maxReplication = 3;
        p.commitWindow = 30;
        p.revealWindow = 30;
        p.aggregateWindow = 1;
        p.joinWindow = 1;
        taskId = _createTask(p);
        tasksCreated++;
        for (uint256 i = 0; i < PROVIDERS; ++i) {
            vm.prank(providerList[i]);
            tm.join(taskId);
        }
        vm.warp(block.timestamp + 1);
        _advance(taskId);
    }

    struct S {
        uint256 round;
        address[] a;
        uint256 attempt;
        bool open;
        bool disputed;
        uint64 commitDeadline;
        uint64 revealDeadline;
        uint256 committed;
        uint256 revealed;
    }

    function _state(uint256 shard) internal view returns (S memory st) {
        st.round = tm.getTask(taskId).currentRound;
        IConsensusVerifier.ShardStatus status;
        (st.a, st.attempt, status, st.commitDeadline, st.revealDeadline, st.committed, st.revealed) =
            verifier.assignment(taskId, st.round, shard);
        st.open = status == IConsensusVerifier.ShardStatus.Open;
        st.disputed = status == IConsensusVerifier.ShardStatus.Disputed;
    }

    /// The replicas that may still commit (none once the commit window closed).
    function _uncommitted(S memory st) internal view returns (uint256) {
        if (!st.open || st.a.length == 0 || block.timestamp >= st.commitDeadline) return 0;
        return ((1 << st.a.length) - 1) & ~st.committed;
    }

    function _copiedMask(uint256 shard, S memory st) internal view returns (uint256 mask) {
        for (uint256 i = 0; i < st.a.length; ++i) {
            if (entries[_key(st.round, shard, st.attempt, i)].copied) mask |= 1 << i;
        }
    }

    /// The round's winners as a mask over `providerList` (every provider joins every task in
    /// order, so its index is its slot).
    function _winnerMask(uint256 round) internal view returns (uint256) {
        return verifier.roundWinners(taskId, round);
    }

    function _bitOf(address who) internal view returns (uint256) {
        for (uint256 i = 0; i < PROVIDERS; ++i) {
            if (providerList[i] == who) return 1 << i;
        }
        return 0;
    }

    function _addresses(uint256 mask) internal view returns (address[] memory list) {
        list = new address[](_popcount(mask));
        uint256 n;
        for (uint256 i = 0; i < PROVIDERS; ++i) {
            if (mask & (1 << i) != 0) list[n++] = providerList[i];
        }
    }

    /// The index of the `k`-th set bit of `mask` (k < popcount(mask)).
    function _nth(uint256 mask, uint256 k) internal pure returns (uint256 i) {
        for (;; ++i) {
            if (mask & (1 << i) == 0) continue;
            if (k == 0) return i;
            --k;
        }
    }

    function _popcount(uint256 x) internal pure returns (uint256 n) {
        for (; x != 0; x &= x - 1) {
            ++n;
        }
    }

    function _commitmentOf(S memory st, uint256 shard, uint256 replica) internal view returns (bytes32) {
        bytes memory cid = _cidOf(st, replica);
        bytes32 salt = _saltOf(st, shard, replica);
        return verifier.computeCommitment(taskId, st.round, shard, st.attempt, st.a[replica], cid, _sealedOf(cid), salt);
    }

    function _cidOf(S memory st, uint256 replica) internal pure returns (bytes memory) {
        return _cid(_firstCid(st) + replica);
    }

    /// An attempt's replicas reveal CIDs of their own: `_cid(10 * attempt + replica)`.
    function _firstCid(S memory st) internal pure returns (uint256) {
        return 10 * st.attempt;
    }

    function _saltOf(S memory st, uint256 shard, uint256 replica) internal view returns (bytes32) {
        return keccak256(abi.encode(taskId, st.round, shard, st.attempt, replica));
    }

    /// The honest sketch of the shard, or, for a deviating replica, one far from it and from every
    /// other deviating one.
    function _fpOf(S memory st, uint256 shard, uint256 replica) internal view returns (int32[] memory fp) {
        fp = _fp(uint256(keccak256(abi.encode(taskId, st.round, shard))), 16);
        if (entries[_key(st.round, shard, st.attempt, replica)].deviating) {
            fp[0] = int32(100_000 + int256(replica) * 1000 + int256(st.attempt) * 10_000);
        }
    }

    function _key(uint256 round, uint256 shard, uint256 attempt, uint256 replica) internal view returns (bytes32) {
        return keccak256(abi.encode(taskId, round, shard, attempt, replica));
    }
}

contract ProtocolInvariantTest is ProtocolFixture {
    ProtocolHandler internal handler;

    function setUp() public {
        handler = new ProtocolHandler();
        targetContract(address(handler));
        bytes4[] memory selectors = new bytes4[](12);
        selectors[0] = ProtocolHandler.step.selector;
        selectors[1] = ProtocolHandler.commit.selector;
        selectors[2] = ProtocolHandler.reveal.selector;
        selectors[3] = ProtocolHandler.finalize.selector;
        selectors[4] = ProtocolHandler.resolve.selector;
        selectors[5] = ProtocolHandler.warp.selector;
        selectors[6] = ProtocolHandler.propose.selector;
        selectors[7] = ProtocolHandler.confirm.selector;
        selectors[8] = ProtocolHandler.challenge.selector;
        selectors[9] = ProtocolHandler.settleChallenge.selector;
        selectors[10] = ProtocolHandler.finalizeQuiet.selector;
        selectors[11] = ProtocolHandler.toggleAway.selector;
        targetSelector(FuzzSelector({addr: address(handler), selectors: selectors}));
    }

    /// A copied commitment is never revealed by the copier; every accepted result is paid exactly
    /// once, to exactly the replicas of the winning cluster; the distributor's books balance; every
    /// open assignment is backed by locked stake; nobody is drawn in a round it stepped away from; only winners' majorities (or quiet windows) make
    /// versions final, and only in their round. Every run goes about nine tasks deep, so 64 runs
    /// keep the campaign's time where 256 shallow runs had it; no handler call reverts, so one
    /// that does is a failure (an honest step the protocol refused).
    /// forge-config: default.invariant.runs = 64
    /// forge-config: default.invariant.fail_on_revert = true
    function invariant_protocolSafety() public view {
        assertEq(handler.ghostCopierReveals(), 0, "copier revealed a copied commitment");
        assertEq(handler.ghostDoubleRewards(), 0, "a result was paid twice");
        assertEq(handler.ghostRewardMismatches(), 0, "rewards did not match the vote");
        assertEq(handler.tokenBalanceOfDistributor(), handler.accounted(), "distributor books");
        assertTrue(handler.openAssignmentsLocked(), "an open assignment without locked stake");
        assertTrue(handler.awayNeverDrawn(), "a provider away was drawn");
        // No version becomes the head except by a majority of the round's winners (the aggregator
        // and its confirmers) or a quiet challenge window, and nobody but a winner signs one.
        assertEq(handler.ghostLoserSignatures(), 0, "a provider that did not win signed a version");
        assertEq(handler.ghostMinorityHeads(), 0, "a minority of winners made a version final");
        assertEq(handler.ghostStaleHeads(), 0, "a version became final after its round");
        assertEq(handler.ghostUnrecordedFinals(), 0, "a final version is not its round's in roundStarts");
        assertEq(handler.ghostForgedRoots(), 0, "a version names inputs other than the accepted results");
        assertTrue(handler.headIsFinal(), "the head is not a final version");
    }

    /// The run went through the protocol; every provider can leave with its stake and rewards, and
    /// the creator gets back the rest.
    function afterInvariant() public {
        emit log_named_uint("tasks", handler.tasksCreated());
        emit log_named_uint("rounds advanced", handler.ghostRounds());
        emit log_named_uint("finalized", handler.ghostFinalized());
        emit log_named_uint("  by the last reveal", handler.ghostDecidingReveals());
        emit log_named_uint("accepted results", handler.ghostAcceptedResults());
        emit log_named_uint("deviations", handler.ghostDeviations());
        emit log_named_uint("copy attempts", handler.ghostCopyAttempts());
        emit log_named_uint("withheld", handler.ghostWithheld());
        emit log_named_uint("disputes", handler.ghostDisputes());
        emit log_named_uint("referee verdicts", handler.ghostVerdicts());
        emit log_named_uint("ejections", handler.ghostEjections());
        emit log_named_uint("proposals", handler.ghostProposals());
        emit log_named_uint("loser signature attempts", handler.ghostLoserAttempts());
        emit log_named_uint("forged delta roots", handler.ghostForgeAttempts());
        emit log_named_uint("versions final", handler.ghostVersionsFinal());
        emit log_named_uint("by majority", handler.ghostMajorityFinals());
        emit log_named_uint("by quiet window", handler.ghostQuietFinals());
        emit log_named_uint("challenges", handler.ghostChallenges());
        emit log_named_uint("challenges settled", handler.ghostChallengesSettled());
        emit log_named_uint("co-signers slashed", handler.ghostCosignersSlashed());
        emit log_named_uint("steps away", handler.ghostStepsAway());
        // Reached by every run at the configured depth (over 6 x 128 runs of 500 calls, the fewest
        // were 7 tasks, 69 finalized shards, 71 accepted results, 7 final versions, 8 ejections;
        // referee verdicts, quiet finalizations and challenges are too rare per run to assert).
        assertGt(handler.tasksCreated(), 1, "the run never ended a task");
        assertGt(handler.ghostDecidingReveals(), 0, "no shard was decided by its last reveal");
        assertGt(handler.ghostFinalized(), 0, "the campaign never finalized a shard");
        assertGt(handler.ghostAcceptedResults(), 0, "the run never accepted a result");
        assertGt(handler.ghostVersionsFinal(), 0, "the run never made a version final");
        assertGt(handler.ghostEjections(), 0, "the run never ejected a provider");
        handler.closeEverything();
        assertEq(handler.tokenBalanceOfDistributor(), 0, "tokens left behind");
        assertEq(handler.accounted(), 0, "books not empty");
    }
}
