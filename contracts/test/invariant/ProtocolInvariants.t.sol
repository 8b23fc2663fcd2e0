// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ConsensusVerifier} from "../../src/ConsensusVerifier.sol";
import {ITaskManager} from "../../src/interfaces/ITaskManager.sol";
import {TaskManager} from "../../src/TaskManager.sol";
import {ProtocolFixture} from "../utils/ProtocolFixture.sol";
import {IConsensusVerifier} from "../../src/interfaces/IConsensusVerifier.sol";
import {IModelRegistry} from "../../src/interfaces/IModelRegistry.sol";

/// @dev Drives whole tasks through commit, copy attempts, reveal, finalize and advance, with honest
/// and deviating providers and providers that copy another replica's commitment.
contract ProtocolHandler is ProtocolFixture {
    uint256 internal constant PROVIDERS = 4;
    uint256 internal constant SHARDS = 2;

    uint256 public taskId;
    uint256 public tasksCreated;
    address[] internal providerList;

    struct Entry {
        bool deviating;
        bool copied;
        uint8 victim;
        bytes cid;
        bytes32 salt;
        int32[] fp;
    }

    /// (task, round, shard, attempt, replica) => what was committed there
    mapping(bytes32 => Entry) internal entries;
    /// (task, round, shard, provider) => rewards received
    mapping(bytes32 => uint256) public rewardsPerResult;

    uint256 public ghostCopierReveals;
    uint256 public ghostDoubleRewards;
    uint256 public ghostRewardMismatches;
    uint256 public ghostAcceptedResults;
    uint256 public ghostCopyAttempts;
    uint256 public ghostFinalized;
    uint256 public ghostVerdicts;
    /// @dev The task and round in which a provider was slashed (round + 1, so 0 means never).
    mapping(address provider => mapping(uint256 taskId => uint256 roundPlusOne)) public slashedIn;
    /// versions signed (proposed or confirmed) by someone who did not win the round
    uint256 public ghostLoserSignatures;
    /// versions that became the head with fewer signers than a majority of the round's winners,
    /// other than by a quiet challenge window
    uint256 public ghostMinorityHeads;
    uint256 public ghostVersionsFinal;

    constructor() {
        _deploy();
        for (uint256 i = 0; i < PROVIDERS; ++i) {
            address who = _provider(i);
            providerList.push(who);
            _stake(who, 2 * uint256(MIN_STAKE));
        }
        _newTask();
    }

    // ---------------------------------------------------------------- actions

    function commit(uint256 shardSeed, uint256 replicaSeed, bool deviate) external {
        uint256 shard = bound(shardSeed, 0, SHARDS - 1);
        S memory st = _state(shard);
        if (!st.open || block.timestamp >= st.commitDeadline || st.a.length == 0) return;
        uint256 replica = bound(replicaSeed, 0, st.a.length - 1);
        if (st.committed & (1 << replica) != 0) return;
        Entry storage e = entries[_key(st.round, shard, st.attempt, replica)];
        e.deviating = deviate;
        e.cid = _cid(replica + 10 * st.attempt);
        e.salt = keccak256(abi.encode(taskId, st.round, shard, st.attempt, replica));
        e.fp = _honest(st.round, shard);
        // A deviating replica is far from the honest sketch and from every other deviating one.
        if (deviate) e.fp[0] = int32(100_000 + int256(replica) * 1000 + int256(st.attempt) * 10_000);
        bytes32 c = verifier.computeCommitment(
            taskId, st.round, shard, _attemptOf(taskId, st.round, shard), st.a[replica], e.cid, _sealedOf(e.cid), e.salt
        );
        vm.prank(st.a[replica]);
        verifier.commit(taskId, st.round, shard, replica, c);
    }

    /// An assignee commits exactly what another replica committed.
    function copyCommit(uint256 shardSeed, uint256 copierSeed, uint256 victimSeed) external {
        uint256 shard = bound(shardSeed, 0, SHARDS - 1);
        S memory st = _state(shard);
        if (!st.open || block.timestamp >= st.commitDeadline || st.a.length < 2) return;
        uint256 copier = bound(copierSeed, 0, st.a.length - 1);
        uint256 victim = bound(victimSeed, 0, st.a.length - 1);
        if (copier == victim || st.committed & (1 << copier) != 0 || st.committed & (1 << victim) == 0) return;
        Entry storage e = entries[_key(st.round, shard, st.attempt, copier)];
        e.copied = true;
        e.victim = uint8(victim);
        ghostCopyAttempts++;
        bytes32 c = verifier.resultOf(taskId, st.round, shard, st.attempt, victim);
        vm.prank(st.a[copier]);
        verifier.commit(taskId, st.round, shard, copier, c);
    }

    function reveal(uint256 shardSeed, uint256 replicaSeed) external {
        uint256 shard = bound(shardSeed, 0, SHARDS - 1);
        S memory st = _state(shard);
        if (!st.open || st.a.length == 0 || block.timestamp >= st.revealDeadline) return;
        if (block.timestamp < st.commitDeadline && st.committed != (1 << st.a.length) - 1) return;
        uint256 replica = bound(replicaSeed, 0, st.a.length - 1);
        if (st.committed & (1 << replica) == 0 || st.revealed & (1 << replica) != 0) return;
        Entry storage e = entries[_key(st.round, shard, st.attempt, replica)];
        _pastSeedBlock(taskId, st.round, shard);
        if (e.copied) {
            // The copier knows the victim's preimage once the victim revealed; it still must fail.
            Entry storage v = entries[_key(st.round, shard, st.attempt, e.victim)];
            vm.prank(st.a[replica]);
            try verifier.reveal(taskId, st.round, shard, replica, _opening(v.cid, v.fp, v.salt)) {
                ghostCopierReveals++;
            } catch {}
            return;
        }
        vm.prank(st.a[replica]);
        verifier.reveal(taskId, st.round, shard, replica, _opening(e.cid, e.fp, e.salt));
    }

    function finalize(uint256 shardSeed) external {
        uint256 shard = bound(shardSeed, 0, SHARDS - 1);
        S memory st = _state(shard);
        if (!st.open || st.a.length == 0) return;
        if (block.timestamp < st.revealDeadline && st.revealed != (1 << st.a.length) - 1) return;
        int32[][] memory fps = new int32[][](st.a.length);
        bool[] memory honest = new bool[](st.a.length);
        uint256 honestCount;
        uint256 count;
        for (uint256 i = 0; i < st.a.length; ++i) {
            if (st.revealed & (1 << i) == 0) continue;
            Entry storage e = entries[_key(st.round, shard, st.attempt, i)];
            fps[i] = e.fp;
            ++count;
            honest[i] = !e.deviating;
            if (honest[i]) ++honestCount;
        }
        uint256[] memory before = new uint256[](st.a.length);
        for (uint256 i = 0; i < st.a.length; ++i) {
            before[i] = distributor.claimableOf(st.a[i]);
        }
        bool accepted = verifier.finalize(taskId, st.round, shard, fps);
        ghostFinalized++;
        if (accepted != (honestCount >= (st.a.length >= 2 ? 2 : 1) && honestCount * 2 > count)) {
            ghostRewardMismatches++;
        }
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
        if (accepted) {
            // A decided shard can never pay again.
            try verifier.finalize(taskId, st.round, shard, fps) {
                ghostDoubleRewards++;
            } catch {}
        }
    }

    /// The referee settles a split as its re-execution would (the replicas that did not deviate
    /// win, the others are slashed), or misses its window and anyone re-queues the shard.
    function resolve(uint256 shardSeed, bool answer) external {
        uint256 shard = bound(shardSeed, 0, SHARDS - 1);
        S memory st = _state(shard);
        if (!st.disputed) return;
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
            uint256 gained = distributor.claimableOf(st.a[i]) - before[i];
            if (gained != (mask & (1 << i) != 0 ? uint256(REWARD) : 0)) ghostRewardMismatches++;
            if (gained > 0 && ++rewardsPerResult[keccak256(abi.encode(taskId, st.round, shard, st.a[i]))] > 1) {
                ghostDoubleRewards++;
            }
        }
    }

    /// A provider (winner of the round or not) proposes a version of the decided round with the
    /// signatures of a set of providers (winners or not) that includes it.
    function propose(uint256 whoSeed, uint256 maskSeed, uint256 hashSeed) external {
        (uint256 round, bool open) = _versionRound();
        if (!open) return;
        address who = providerList[bound(whoSeed, 0, PROVIDERS - 1)];
        address[] memory signers = _subset(maskSeed, who);
        uint256 head = registry.getModel(tm.getTask(taskId).modelId).head;
        IModelRegistry.Proposal memory p = _proposal(taskId, round, head, keccak256(abi.encode(hashSeed)));
        try this.proposeAs(p, who, signers) returns (uint256 versionId) {
            _recordSigners(versionId, round, signers);
        } catch {}
    }

    /// Some providers (winners or not) add their signatures to the newest proposal.
    function confirm(uint256 maskSeed) external {
        uint256 versionId = registry.versionCount();
        IModelRegistry.Version memory v = registry.getVersion(versionId);
        if (v.taskId != taskId || v.status != IModelRegistry.VersionStatus.Proposed) return;
        address[] memory signers = _subset(maskSeed, address(0));
        if (signers.length == 0) return;
        try this.confirmAs(versionId, signers) {
            _recordSigners(versionId, v.round, signers);
        } catch {}
    }

    /// The providers picked by `maskSeed`'s low bits, and `who`.
    function _subset(uint256 maskSeed, address who) internal view returns (address[] memory list) {
        list = new address[](PROVIDERS);
        uint256 n;
        for (uint256 i = 0; i < PROVIDERS; ++i) {
            if ((maskSeed >> i) & 1 == 1 || providerList[i] == who) list[n++] = providerList[i];
        }
        assembly ("memory-safe") {
            mstore(list, n)
        }
    }

    /// Counts signatures by non-winners that went through, and versions made final by a minority.
    function _recordSigners(uint256 versionId, uint256 round, address[] memory signers) internal {
        uint256 winners;
        for (uint256 i = 0; i < signers.length; ++i) {
            bool winner;
            (winner, winners) = tm.winnerStatus(taskId, round, signers[i]);
            if (!winner) ghostLoserSignatures++;
        }
        IModelRegistry.Version memory after_ = registry.getVersion(versionId);
        if (after_.status == IModelRegistry.VersionStatus.Final) {
            ghostVersionsFinal++;
            // Its signers, the aggregator included, are a strict majority of the winners.
            if (uint256(after_.signers) * 2 <= winners) ghostMinorityHeads++;
        }
    }

    /// Anyone finalizes the newest proposal once its challenge window passed.
    function finalizeQuiet() external {
        uint256 versionId = registry.versionCount();
        IModelRegistry.Version memory v = registry.getVersion(versionId);
        if (v.taskId != taskId || v.status != IModelRegistry.VersionStatus.Proposed) return;
        if (block.timestamp < v.challengeDeadline) vm.warp(v.challengeDeadline);
        try registry.finalizeVersion(versionId) {
            ghostVersionsFinal++;
        } catch {}
    }

    function proposeAs(IModelRegistry.Proposal memory p, address who, address[] memory signers)
        external
        returns (uint256)
    {
        return _proposeSigned(p, who, signers);
    }

    function confirmAs(uint256 versionId, address[] memory signers) external {
        (address[] memory sorted, bytes[] memory signatures) = _signAll(_proposalOf(versionId), signers);
        registry.confirm(versionId, sorted, signatures);
    }

    function _versionRound() internal view returns (uint256 round, bool open) {
        ITaskManager.Task memory t = tm.getTask(taskId);
        round = t.currentRound;
        open = t.status == ITaskManager.TaskStatus.Running && tm.isRoundDecided(taskId)
            && registry.roundVersion(taskId, round) == 0;
    }

    function advance() external {
        ITaskManager.Task memory t = tm.getTask(taskId);
        if (!tm.isRoundDecided(taskId)) return;
        vm.warp(block.timestamp + t.aggregateWindow);
        _advance(taskId);
        // Completed, or ended after three rounds in a row without a version: start another.
        if (tm.getTask(taskId).status != ITaskManager.TaskStatus.Running) {
            _unlockAll(t.challengeWindow);
            _newTask();
        }
    }

    function warp(uint256 secondsSeed) external {
        vm.warp(block.timestamp + bound(secondsSeed, 0, 10));
        vm.roll(block.number + 2);
    }

    // ---------------------------------------------------------------- for afterInvariant

    /// Cancels the running task, lets its round end (re-runs included) and releases every lock.
    function closeEverything() external {
        ITaskManager.Task memory t = tm.getTask(taskId);
        if (t.status == ITaskManager.TaskStatus.Running) {
            vm.prank(creator);
            tm.cancel(taskId);
            // Each attempt may take a finalize and, for a split the referee leaves alone, an expiry.
            for (uint256 step = 0; step < 8 && !tm.isRoundDecided(taskId); ++step) {
                vm.warp(block.timestamp + t.commitWindow + 2 * uint256(t.revealWindow));
                vm.roll(block.number + 2);
                for (uint256 shard = 0; shard < SHARDS; ++shard) {
                    this.finalize(shard);
                    this.resolve(shard, false);
                }
            }
            vm.warp(block.timestamp + t.aggregateWindow);
            _advance(taskId);
        }
        _unlockAll(t.challengeWindow);
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

    function distributorAddress() external view returns (address) {
        return address(distributor);
    }

    function tokenBalanceOfDistributor() external view returns (uint256) {
        return token.balanceOf(address(distributor));
    }

    function accounted() external view returns (uint256) {
        return distributor.accountedBalance();
    }

    // ---------------------------------------------------------------- internal

    function _unlockAll(uint32 challengeWindow) internal {
        vm.warp(block.timestamp + challengeWindow);
        for (uint256 i = 0; i < PROVIDERS; ++i) {
            // A provider slashed down to nothing has nothing left to unlock.
            if (distributor.taskLock(taskId, providerList[i]) == 0) continue;
            vm.prank(providerList[i]);
            tm.unlockStake(taskId);
        }
    }

    /// Whether every assignee of every open shard of the running task has its stake locked for it.
    function openAssignmentsLocked() external view returns (bool) {
        if (tm.getTask(taskId).status != ITaskManager.TaskStatus.Running) return true;
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

    function _honest(uint256 round, uint256 shard) internal view returns (int32[] memory) {
        return _fp(uint256(keccak256(abi.encode(taskId, round, shard))), 16);
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
        bytes4[] memory selectors = new bytes4[](10);
        selectors[0] = ProtocolHandler.commit.selector;
        selectors[1] = ProtocolHandler.copyCommit.selector;
        selectors[2] = ProtocolHandler.reveal.selector;
        selectors[3] = ProtocolHandler.finalize.selector;
        selectors[4] = ProtocolHandler.advance.selector;
        selectors[5] = ProtocolHandler.warp.selector;
        selectors[6] = ProtocolHandler.propose.selector;
        selectors[7] = ProtocolHandler.confirm.selector;
        selectors[8] = ProtocolHandler.finalizeQuiet.selector;
        selectors[9] = ProtocolHandler.resolve.selector;
        targetSelector(FuzzSelector({addr: address(handler), selectors: selectors}));
    }

    /// A copied commitment is never revealed by the copier; every accepted result is paid exactly
    /// once, to exactly the replicas of the winning cluster; the distributor's books balance; every
    /// open assignment is backed by locked stake; only winners' majorities (or quiet windows) make
    /// versions final.
    function invariant_protocolSafety() public view {
        assertEq(handler.ghostCopierReveals(), 0, "copier revealed a copied commitment");
        assertEq(handler.ghostDoubleRewards(), 0, "a result was paid twice");
        assertEq(handler.ghostRewardMismatches(), 0, "rewards did not match the vote");
        assertEq(handler.tokenBalanceOfDistributor(), handler.accounted(), "distributor books");
        assertTrue(handler.openAssignmentsLocked(), "an open assignment without locked stake");
        // No version becomes the head except by a majority of the round's winners (the aggregator
        // and its confirmers) or a quiet challenge window, and nobody but a winner signs one.
        assertEq(handler.ghostLoserSignatures(), 0, "a provider that did not win signed a version");
        assertEq(handler.ghostMinorityHeads(), 0, "a minority of winners made a version final");
    }

    /// Every provider can leave with its stake and rewards, and the creator gets back the rest.
    function afterInvariant() public {
        emit log_named_uint("tasks", handler.tasksCreated());
        emit log_named_uint("finalized", handler.ghostFinalized());
        emit log_named_uint("accepted results", handler.ghostAcceptedResults());
        emit log_named_uint("copy attempts", handler.ghostCopyAttempts());
        emit log_named_uint("versions final", handler.ghostVersionsFinal());
        emit log_named_uint("referee verdicts", handler.ghostVerdicts());
        assertGt(handler.ghostFinalized(), 0, "the campaign never finalized a shard");
        handler.closeEverything();
        assertEq(handler.tokenBalanceOfDistributor(), 0, "tokens left behind");
        assertEq(handler.accounted(), 0, "books not empty");
    }
}
