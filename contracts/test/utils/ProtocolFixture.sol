// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {Test} from "forge-std/Test.sol";
import {ConsensusVerifier} from "../../src/ConsensusVerifier.sol";
import {IConsensusVerifier} from "../../src/interfaces/IConsensusVerifier.sol";
import {MLBToken} from "../../src/MLBToken.sol";
import {ModelRegistry} from "../../src/ModelRegistry.sol";
import {ResultChallenges} from "../../src/ResultChallenges.sol";
import {RewardDistributor} from "../../src/RewardDistributor.sol";
import {TaskManager} from "../../src/TaskManager.sol";
import {IModelRegistry} from "../../src/interfaces/IModelRegistry.sol";
import {ITaskManager} from "../../src/interfaces/ITaskManager.sol";
import {DeltaRoot} from "../../src/libraries/DeltaRoot.sol";
import {Fees} from "../../src/libraries/Fees.sol";
import {Permits} from "../../src/libraries/Permits.sol";
import {commitOne, finalizeOne, revealOne} from "./VerifierCalls.sol";
import {Packed} from "./Packed.sol";

/// @dev Deploys and wires the whole protocol like script/Deploy.s.sol, with helpers to drive a task.
abstract contract ProtocolFixture is Test {
    uint64 internal constant UNBONDING = 1 days;
    uint96 internal constant MIN_STAKE = 100e18;
    uint96 internal constant REWARD = 1e18;
    /// What joining locks: the minimum stake and one reward, the liveness deposit.
    uint256 internal constant JOIN_LOCK = uint256(MIN_STAKE) + REWARD;
    /// What an accepted result takes out of its task's escrow: its reward and the protocol fee.
    uint256 internal constant PAID = uint256(REWARD) + Fees.RESULT_FEE;
    uint256 internal constant SUPPLY = 1_000_000_000e18;

    MLBToken internal token;
    RewardDistributor internal distributor;
    ModelRegistry internal registry;
    TaskManager internal tm;
    ConsensusVerifier internal verifier;
    ResultChallenges internal challenges;
    /// What each result revealed through `_recordReveal` (by `_resultKey`).
    mapping(bytes32 resultKey => IConsensusVerifier.AcceptedResult) internal revealedResults;

    address internal admin = makeAddr("admin");
    address internal creator = makeAddr("creator");
    address internal referee = makeAddr("referee");
    address internal stranger = makeAddr("stranger");
    /// Holds the distributor's APPEAL_ROLE.
    address internal appeals = makeAddr("appeals");
    /// A slash's appeal delay; 0 (slashes take effect at once) unless a test sets it before `_deploy`.
    uint64 internal appealDelay;

    function _deploy() internal {
        vm.startPrank(admin);
        token = new MLBToken(admin, SUPPLY);
        distributor = new RewardDistributor(token, UNBONDING, appealDelay, admin);
        distributor.grantRole(distributor.APPEAL_ROLE(), appeals);
        registry = new ModelRegistry(admin);
        tm = new TaskManager(distributor, registry, admin);
        verifier = new ConsensusVerifier(tm, distributor, admin);
        distributor.grantRole(distributor.ESCROW_ROLE(), address(tm));
        distributor.grantRole(distributor.SETTLER_ROLE(), address(verifier));
        distributor.grantRole(distributor.SLASHER_ROLE(), address(verifier));
        distributor.grantRole(distributor.SLASHER_ROLE(), address(registry));
        registry.grantRole(registry.TASK_MANAGER_ROLE(), address(tm));
        registry.setTaskManager(tm);
        tm.setVerifier(verifier);
        verifier.grantRole(verifier.REFEREE_ROLE(), referee);
        registry.grantRole(registry.REFEREE_ROLE(), referee);
        challenges = new ResultChallenges(verifier, tm, admin);
        verifier.grantRole(verifier.REFEREE_ROLE(), address(challenges));
        distributor.grantRole(distributor.BOND_ROLE(), address(challenges));
        challenges.grantRole(challenges.REFEREE_ROLE(), referee);
        distributor.grantRole(distributor.BOND_ROLE(), address(registry));
        vm.stopPrank();
    }

    function _params() internal pure returns (ITaskManager.TaskParams memory p) {
        p.specCid = hex"01711220aa";
        p.datasetCid = hex"01711220bb";
        p.initialModelCid = hex"01551220cc";
        p.initialCommitHash = keccak256("genesis");
        p.initialDataHash = keccak256("data");
        p.rounds = 3;
        p.shards = 2;
        p.replication = 2;
        p.maxReplication = 4;
        p.fingerprintLength = 16;
        p.confirmations = 1;
        p.tolerance = 5;
        p.joinWindow = 100;
        p.commitWindow = 100;
        p.revealWindow = 100;
        p.aggregateWindow = 100;
        p.challengeWindow = 100;
        p.rewardPerResult = REWARD;
        p.minStake = MIN_STAKE;
        p.parameters = 7850;
        p.trainMflop = 1000;
        p.activationKib = 2048;
        p.name = "digits";
        p.description = "an MLP on MNIST";
    }

    /// The content of the genesis version a task created with `p` registers (no parent).
    function _genesisData(ITaskManager.TaskParams memory p) internal pure returns (IModelRegistry.VersionData memory) {
        return IModelRegistry.VersionData(p.initialModelCid, p.initialCommitHash, bytes32(0), p.initialDataHash, 0, 0);
    }

    /// Expects `createTask(p)`, funded and approved, to revert naming the parameter `name`.
    function _expectInvalidParameter(ITaskManager.TaskParams memory p, string memory name) internal {
        _fund(creator, tm.budgetOf(p.rewardPerResult, p.rounds, p.shards, p.maxReplication));
        vm.startPrank(creator);
        token.approve(address(distributor), type(uint256).max);
        vm.expectRevert(abi.encodeWithSelector(ITaskManager.InvalidTaskParameter.selector, name));
        tm.createTask(p);
        vm.stopPrank();
    }

    /// The ERC-2612 permit by `ownerKey`'s address of `value` MLB to `spender`, at the owner's next nonce.
    function _permit(uint256 ownerKey, address spender, uint256 value) internal view returns (Permits.Permit memory p) {
        address owner = vm.addr(ownerKey);
        bytes32 typehash =
            keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)");
        p.deadline = block.timestamp + 1 hours;
        bytes32 digest = keccak256(
            abi.encodePacked(
                "\x19\x01",
                token.DOMAIN_SEPARATOR(),
                keccak256(abi.encode(typehash, owner, spender, value, token.nonces(owner), p.deadline))
            )
        );
        (p.v, p.r, p.s) = vm.sign(ownerKey, digest);
    }

    function _fund(address who, uint256 amount) internal {
        vm.prank(admin);
        assertTrue(token.transfer(who, amount));
    }

    function _createTask(ITaskManager.TaskParams memory p) internal returns (uint256 taskId) {
        uint256 budget = tm.budgetOf(p.rewardPerResult, p.rounds, p.shards, p.maxReplication);
        _fund(creator, budget);
        vm.startPrank(creator);
        token.approve(address(distributor), budget);
        taskId = tm.createTask(p);
        vm.stopPrank();
    }

    mapping(address => uint256) internal keyOf;

    function _provider(uint256 i) internal returns (address who) {
        uint256 key;
        (who, key) = makeAddrAndKey(string.concat("provider", vm.toString(i)));
        keyOf[who] = key;
    }

    function _stake(address who, uint256 amount) internal {
        _fund(who, amount);
        vm.startPrank(who);
        token.approve(address(distributor), amount);
        distributor.stake(amount);
        vm.stopPrank();
    }

    /// Stakes exactly what joining locks (the minimum stake and the liveness deposit) and joins.
    function _stakeAndJoin(uint256 taskId, address who) internal {
        _stake(who, MIN_STAKE + REWARD);
        vm.prank(who);
        tm.join(taskId);
    }

    /// Creates a task with `p`, lets `n` providers join and starts round 0.
    function _startTask(ITaskManager.TaskParams memory p, uint256 n) internal returns (uint256 taskId) {
        taskId = _joinedTask(p, n);
        _advance(taskId);
    }

    /// Creates a task with `p` and lets `n` providers join, until its join window ends.
    function _joinedTask(ITaskManager.TaskParams memory p, uint256 n) internal returns (uint256 taskId) {
        taskId = _createTask(p);
        for (uint256 i = 0; i < n; ++i) {
            _stakeAndJoin(taskId, _provider(i));
        }
        vm.warp(block.timestamp + p.joinWindow);
    }

    /// `_startTask`, with round 0 started in the first block from the current one on whose draw
    /// puts each of the `n` providers on one of the first `shards` shards: for tests that need
    /// every provider among a round's winners (the draw comes from the starting block's hash).
    function _startTaskAllDrawn(ITaskManager.TaskParams memory p, uint256 n, uint256 shards)
        internal
        returns (uint256 taskId)
    {
        taskId = _joinedTask(p, n);
        uint256 first = block.number;
        for (uint256 tries = 0; tries < 64; ++tries) {
            uint256 snapshot = vm.snapshotState();
            vm.roll(first + tries);
            _advance(taskId);
            bool all = true;
            for (uint256 i = 0; i < n && all; ++i) {
                all = _drawnIn(taskId, 0, shards, _provider(i));
            }
            if (all) return taskId;
            vm.revertToState(snapshot);
        }
        revert("no draw within 64 blocks puts every provider on a shard");
    }

    /// `advance`, then one more block: a round's draw comes from the hash of the `advance`'s
    /// block, readable once a later block exists.
    function _advance(uint256 taskId) internal {
        tm.advance(taskId);
        _drawNextRound();
    }

    /// Mines the block after the one that started the round (by `advance`, or by the version that
    /// became final and ended the one before), from which the draw can be read.
    function _drawNextRound() internal {
        vm.roll(block.number + 1);
    }

    function _fp(uint256 seed, uint256 k) internal pure returns (int32[] memory fp) {
        fp = new int32[](k);
        for (uint256 i = 0; i < k; ++i) {
            fp[i] = int32(int256(uint256(keccak256(abi.encode(seed, i))) % 2001) - 1000);
        }
    }

    function _shifted(int32[] memory fp, int32 delta) internal pure returns (int32[] memory out) {
        out = new int32[](fp.length);
        for (uint256 i = 0; i < fp.length; ++i) {
            out[i] = fp[i] + delta;
        }
    }

    function _cid(uint256 i) internal pure returns (bytes memory) {
        return abi.encodePacked(hex"01551220", keccak256(abi.encode("delta", i)));
    }

    /// The CID of the sealed upload of the delta named `cid` (any distinct bytes will do on chain).
    function _sealedOf(bytes memory cid) internal pure returns (bytes memory) {
        return abi.encodePacked(hex"01551220", keccak256(abi.encode("sealed", cid)));
    }

    function _opening(bytes memory cid, int32[] memory fp, bytes32 salt)
        internal
        pure
        returns (IConsensusVerifier.Opening memory)
    {
        return IConsensusVerifier.Opening(cid, _sealedOf(cid), Packed.pack(fp), salt);
    }

    function _attemptOf(uint256 taskId, uint256 round, uint256 shard) internal view returns (uint256 attempt) {
        (attempt,,) = verifier.attemptStart(taskId, round, shard);
    }

    /// Mines past the block whose hash seeds the shard's fingerprints, so a reveal may follow.
    function _pastSeedBlock(uint256 taskId, uint256 round, uint256 shard) internal {
        (uint64 seedBlock,) = verifier.fingerprintSeed(taskId, round, shard, _attemptOf(taskId, round, shard));
        if (block.number <= seedBlock) vm.roll(uint256(seedBlock) + 1);
    }

    function _salt(address who) internal pure returns (bytes32) {
        return keccak256(abi.encode("salt", who));
    }

    function _assignees(uint256 taskId, uint256 round, uint256 shard) internal view returns (address[] memory a) {
        (a,,,,,,) = verifier.assignment(taskId, round, shard);
    }

    /// Whether `who` is an assignee of any of the first `shards` shards of `round`.
    function _drawnIn(uint256 taskId, uint256 round, uint256 shards, address who) internal view returns (bool) {
        for (uint256 shard = 0; shard < shards; ++shard) {
            address[] memory a = _assignees(taskId, round, shard);
            for (uint256 i = 0; i < a.length; ++i) {
                if (a[i] == who) return true;
            }
        }
        return false;
    }

    function _commit(uint256 taskId, uint256 round, uint256 shard, uint256 replica, int32[] memory) internal {
        _commit(taskId, round, shard, replica, _cid(replica));
    }

    /// Commits to revealing the delta named `cid` (a fraud proof's test gives the real bytes' CID).
    function _commit(uint256 taskId, uint256 round, uint256 shard, uint256 replica, bytes memory cid) internal {
        // A re-run's draw comes from the block of the `finalize` that re-queued it.
        vm.roll(block.number + 1);
        address who = _assignees(taskId, round, shard)[replica];
        bytes32 c = verifier.computeCommitment(
            taskId, round, shard, _attemptOf(taskId, round, shard), who, cid, _sealedOf(cid), _salt(who)
        );
        vm.prank(who);
        commitOne(verifier, taskId, round, shard, replica, c);
    }

    function _reveal(uint256 taskId, uint256 round, uint256 shard, uint256 replica, int32[] memory fp) internal {
        _reveal(taskId, round, shard, replica, fp, _cid(replica));
    }

    function _reveal(uint256 taskId, uint256 round, uint256 shard, uint256 replica, int32[] memory fp, bytes memory cid)
        internal
    {
        address who = _assignees(taskId, round, shard)[replica];
        _pastSeedBlock(taskId, round, shard);
        _recordReveal(taskId, round, shard, _attemptOf(taskId, round, shard), replica, cid, fp);
        vm.prank(who);
        revealOne(verifier, taskId, round, shard, replica, _opening(cid, fp, _salt(who)));
    }

    /// Notes what a result reveals, for `_acceptedResults`.
    function _recordReveal(
        uint256 taskId,
        uint256 round,
        uint256 shard,
        uint256 attempt,
        uint256 replica,
        bytes memory cid,
        int32[] memory fp
    ) internal {
        revealedResults[_resultKey(taskId, round, shard, attempt, replica)] =
            IConsensusVerifier.AcceptedResult(keccak256(Packed.pack(fp)), DeltaRoot.leaf(cid));
    }

    function _resultKey(uint256 taskId, uint256 round, uint256 shard, uint256 attempt, uint256 replica)
        internal
        pure
        returns (bytes32)
    {
        return keccak256(abi.encode(taskId, round, shard, attempt, replica));
    }

    /// Finalizes the shard with the fingerprints `fps` and the delta leaves of `_cid(i)`.
    function _finalize(uint256 taskId, uint256 round, uint256 shard, int32[][] memory fps) internal returns (bool) {
        return finalizeOne(verifier, taskId, round, shard, Packed.packAll(fps), _leaves(fps));
    }

    /// What `finalize` (or a deciding reveal) takes for the shard: `fps` and the delta leaves of `_cid(i)`.
    function _results(uint256 shard, int32[][] memory fps)
        internal
        pure
        returns (IConsensusVerifier.ShardResults memory)
    {
        return IConsensusVerifier.ShardResults(shard, Packed.packAll(fps), _leaves(fps));
    }

    /// The delta leaves `finalize` wants beside `fps`: replica i's `_cid(i)` where it revealed.
    function _leaves(int32[][] memory fps) internal pure returns (bytes32[] memory) {
        return _leaves(fps, 0);
    }

    /// The same for replicas that revealed `_cid(first + i)`.
    function _leaves(int32[][] memory fps, uint256 first) internal pure returns (bytes32[] memory leaves) {
        leaves = new bytes32[](fps.length);
        for (uint256 i = 0; i < fps.length; ++i) {
            if (fps[i].length > 0) leaves[i] = DeltaRoot.leaf(_cid(first + i));
        }
    }

    /// What every winner of `round` revealed (as `_recordReveal` noted it), in (shard, replica)
    /// order: the list a proposal carries.
    function _acceptedResults(uint256 taskId, uint256 round)
        internal
        view
        returns (IConsensusVerifier.AcceptedResult[] memory results)
    {
        uint256 shards = tm.getTask(taskId).shards;
        results = new IConsensusVerifier.AcceptedResult[](shards * 16);
        uint256 n;
        for (uint256 shard = 0; shard < shards; ++shard) {
            (uint256 attempt, uint256 winners) = verifier.shardWinners(taskId, round, shard);
            for (uint256 replica = 0; winners >> replica != 0; ++replica) {
                if (winners & (1 << replica) == 0) continue;
                results[n++] = revealedResults[_resultKey(taskId, round, shard, attempt, replica)];
            }
        }
        assembly ("memory-safe") {
            mstore(results, n)
        }
    }

    /// The delta root of `results` (what `acceptedDeltaRoot` computes from them).
    function _deltaRoot(IConsensusVerifier.AcceptedResult[] memory results) internal pure returns (bytes32) {
        bytes32[] memory leaves = new bytes32[](results.length);
        for (uint256 i = 0; i < results.length; ++i) {
            leaves[i] = results[i].deltaLeaf;
        }
        return DeltaRoot.root(leaves);
    }

    /// Runs every shard of the current round (attempt 0) with agreeing replicas.
    function _runRound(uint256 taskId, uint256 round, uint256 shards) internal {
        for (uint256 shard = 0; shard < shards; ++shard) {
            uint256 r = _assignees(taskId, round, shard).length;
            for (uint256 i = 0; i < r; ++i) {
                _commit(taskId, round, shard, i, _fp(round * 100 + shard, 16));
            }
        }
        for (uint256 shard = 0; shard < shards; ++shard) {
            uint256 r = _assignees(taskId, round, shard).length;
            int32[][] memory fps = new int32[][](r);
            for (uint256 i = 0; i < r; ++i) {
                fps[i] = _fp(round * 100 + shard, 16);
                _reveal(taskId, round, shard, i, fps[i]);
            }
            assertTrue(_finalize(taskId, round, shard, fps));
        }
    }

    /// Commits and reveals `fps[i]` for replica i (skips empty entries), then finalizes.
    function _runShard(uint256 taskId, uint256 round, uint256 shard, int32[][] memory fps)
        internal
        returns (bool accepted)
    {
        _commitRevealAll(taskId, round, shard, fps);
        return _finalize(taskId, round, shard, fps);
    }

    /// When the referee's window on a split shard ends: a reveal window after the reveal deadline.
    function _refereeDeadline(uint256 taskId, uint256 round, uint256 shard) internal view returns (uint64) {
        (,,, uint64 commitDeadline, uint64 revealDeadline,,) = verifier.assignment(taskId, round, shard);
        return revealDeadline + (revealDeadline - commitDeadline);
    }

    /// A split shard whose referee never answered: after its window anyone re-queues it.
    function _expireSplit(uint256 taskId, uint256 round, uint256 shard) internal returns (bool) {
        uint64 deadline = _refereeDeadline(taskId, round, shard);
        if (block.timestamp < deadline) vm.warp(deadline);
        return finalizeOne(verifier, taskId, round, shard, new bytes[](0), new bytes32[](0));
    }

    /// Both replicas of shards 0 and 1 commit `fp`, then all four reveal it without deciding a
    /// shard, as when every replica reveals in the same block.
    function _revealTwoShardsUndecided(uint256 taskId, uint256 round, int32[] memory fp) internal {
        for (uint256 shard = 0; shard < 2; ++shard) {
            _commit(taskId, round, shard, 0, fp);
            _commit(taskId, round, shard, 1, fp);
        }
        for (uint256 shard = 0; shard < 2; ++shard) {
            _reveal(taskId, round, shard, 0, fp);
            _reveal(taskId, round, shard, 1, fp);
        }
    }

    /// Commits and reveals `fps[i]` for replica i (skips empty entries) and waits out the reveal window.
    function _commitRevealAll(uint256 taskId, uint256 round, uint256 shard, int32[][] memory fps) internal {
        for (uint256 i = 0; i < fps.length; ++i) {
            if (fps[i].length > 0) _commit(taskId, round, shard, i, fps[i]);
        }
        (,,, uint64 commitDeadline, uint64 revealDeadline,,) = verifier.assignment(taskId, round, shard);
        if (block.timestamp < commitDeadline) vm.warp(commitDeadline);
        for (uint256 i = 0; i < fps.length; ++i) {
            if (fps[i].length > 0) _reveal(taskId, round, shard, i, fps[i]);
        }
        if (block.timestamp < revealDeadline) vm.warp(revealDeadline);
    }

    /// A proposal of `commitHash` for `round` on top of `parent`, over the round's accepted results.
    function _proposal(uint256 taskId, uint256 round, uint256 parent, bytes32 commitHash)
        internal
        view
        returns (IModelRegistry.Proposal memory p)
    {
        p.taskId = taskId;
        p.round = round;
        p.parent = parent;
        p.data.modelCid = abi.encodePacked(hex"01551220", commitHash);
        p.data.commitHash = commitHash;
        p.data.deltaRoot = _deltaRoot(_acceptedResults(taskId, round));
    }

    /// `signer`'s EIP-712 `Version` signature of `p`.
    function _signVersion(IModelRegistry.Proposal memory p, address signer) internal view returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(keyOf[signer], registry.versionDigest(p));
        return abi.encodePacked(r, s, v);
    }

    /// `signers` sorted ascending (insertion sort: a handful of winners).
    function _ascending(address[] memory signers) internal pure returns (address[] memory sorted) {
        sorted = new address[](signers.length);
        for (uint256 i = 0; i < signers.length; ++i) {
            address a = signers[i];
            uint256 j = i;
            for (; j > 0 && sorted[j - 1] > a; --j) {
                sorted[j] = sorted[j - 1];
            }
            sorted[j] = a;
        }
    }

    /// Each of `signers` (sorted here) signs `p`'s `Version`.
    function _signAll(IModelRegistry.Proposal memory p, address[] memory signers)
        internal
        view
        returns (address[] memory sorted, bytes[] memory signatures)
    {
        sorted = _ascending(signers);
        signatures = new bytes[](sorted.length);
        for (uint256 i = 0; i < sorted.length; ++i) {
            signatures[i] = _signVersion(p, sorted[i]);
        }
    }

    /// `aggregator` proposes `p` with the signatures of `signers` (which should include it).
    function _proposeSigned(IModelRegistry.Proposal memory p, address aggregator, address[] memory signers)
        internal
        returns (uint256)
    {
        (address[] memory sorted, bytes[] memory signatures) = _signAll(p, signers);
        return _submit(aggregator, p, sorted, signatures);
    }

    /// `caller` proposes `p` with `signers`' `signatures` and the round's accepted results.
    function _submit(
        address caller,
        IModelRegistry.Proposal memory p,
        address[] memory signers,
        bytes[] memory signatures
    ) internal returns (uint256) {
        IConsensusVerifier.AcceptedResult[] memory results = _acceptedResults(p.taskId, p.round);
        vm.prank(caller);
        uint256 versionId = registry.propose(p, signers, signatures, results);
        _proposals[versionId] = p;
        return versionId;
    }

    /// Every proposal `_submit` made, by version: the registry keeps only its content hash.
    mapping(uint256 versionId => IModelRegistry.Proposal) internal _proposals;

    /// `aggregator` signs and proposes `commitHash` for `round` on top of `parent`, alone.
    function _proposeVersion(uint256 taskId, uint256 round, uint256 parent, address aggregator, bytes32 commitHash)
        internal
        returns (uint256)
    {
        address[] memory signers = new address[](1);
        signers[0] = aggregator;
        return _proposeSigned(_proposal(taskId, round, parent, commitHash), aggregator, signers);
    }

    /// The proposal behind a version `_submit` proposed (what its signers signed), checked against
    /// the registry's content hash.
    function _proposalOf(uint256 versionId) internal view returns (IModelRegistry.Proposal memory p) {
        p = _proposals[versionId];
        registry.requireVersionData(versionId, p.data);
    }

    /// `confirmer` signs `versionId`'s `Version`; anyone submits it.
    function _confirmVersion(uint256 versionId, address confirmer) internal {
        address[] memory signers = new address[](1);
        signers[0] = confirmer;
        bytes[] memory signatures = new bytes[](1);
        IModelRegistry.Proposal memory p = _proposalOf(versionId);
        signatures[0] = _signVersion(p, confirmer);
        registry.confirm(versionId, p.data, signers, signatures);
    }

    /// The claim a challenger makes in the tests (a version's content hash, or a result's
    /// `resultClaim`), which the referee's verdict names back when the challenger is right.
    bytes32 internal constant CLAIM = keccak256("recomputed differently");

    /// `who` commits to a challenge of `versionId` claiming `CLAIM`, bonds what it takes and opens
    /// it a block later.
    function _challengeVersion(address who, uint256 versionId) internal {
        bytes32 reason = CLAIM;
        bytes32 salt = _commitVersionChallenge(who, versionId, reason);
        uint256 bond = registry.challengeBond(versionId);
        _fund(who, bond);
        vm.startPrank(who);
        token.approve(address(distributor), bond);
        registry.challenge(versionId, reason, salt);
        vm.stopPrank();
    }

    /// `who` commits to challenging `versionId` for `reason`; the chain moves one block on, so the
    /// challenge may be opened. Returns the salt to open it with.
    function _commitVersionChallenge(address who, uint256 versionId, bytes32 reason) internal returns (bytes32 salt) {
        salt = keccak256(abi.encode("salt", who, versionId, reason));
        vm.prank(who);
        registry.commitChallenge(registry.challengeCommitmentOf(who, versionId, reason, salt));
        vm.roll(block.number + 1);
    }

    /// The distinct providers with an accepted result in `round` when every shard was accepted
    /// with all its replicas (as `_runRound` does).
    function _roundWinners(uint256 taskId, uint256 round, uint256 shards) internal view returns (address[] memory w) {
        w = new address[](shards * 8);
        uint256 n;
        for (uint256 shard = 0; shard < shards; ++shard) {
            address[] memory a = _assignees(taskId, round, shard);
            for (uint256 i = 0; i < a.length; ++i) {
                bool seen;
                for (uint256 j = 0; j < n; ++j) {
                    if (w[j] == a[i]) seen = true;
                }
                if (!seen) w[n++] = a[i];
            }
        }
        assembly ("memory-safe") {
            mstore(w, n)
        }
    }

    function _pair(int32[] memory a, int32[] memory b) internal pure returns (int32[][] memory fps) {
        fps = new int32[][](2);
        fps[0] = a;
        fps[1] = b;
    }
}
