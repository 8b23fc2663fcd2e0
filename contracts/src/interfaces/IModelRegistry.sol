// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IConsensusVerifier} from "./IConsensusVerifier.sol";

/// @title IModelRegistry
/// @notice Interface of the ModelRegistry: models, their versions and lineage. The TaskManager
/// registers a task's model; the round's winners sign its version, one of them proposes it with
/// the signatures gathered and anyone adds late ones; owners fork, merge and roll back models.
interface IModelRegistry {
    /// @notice Lifecycle of a version.
    enum VersionStatus {
        None,
        Proposed,
        Final,
        Challenged,
        Rejected
    }

    /// @notice A version's content, as proposed or registered. The registry stores only its hash,
    /// `contentHashOf(data)` = `keccak256(abi.encode(data))`; the content itself is in the
    /// version's `VersionRegistered` event, and every call that needs it takes it back and checks it
    /// against that hash (`VersionDataMismatch`).
    struct VersionData {
        bytes modelCid;
        bytes32 commitHash;
        bytes32 deltaRoot;
        bytes32 dataHash;
        uint32 accuracyBps;
        uint64 loss;
    }

    /// @notice A version proposed for a task round: what every endorsing winner signs as an EIP-712
    /// `Version` (its fields, `data`'s flattened).
    struct Proposal {
        uint256 taskId;
        uint256 round;
        uint256 parent;
        VersionData data;
    }

    /// @notice A stored version: what the registry decides with, in three slots, and the hash of
    /// its content (`contentHashOf`) in a fourth. A version registered final (a genesis or a merge)
    /// leaves the third slot (task, round, challenge deadline) zero.
    struct Version {
        uint64 modelId;
        uint64 parent;
        uint64 mergeParent;
        uint64 proposedAt;
        address aggregator;
        uint16 signers;
        uint16 requiredSigners;
        VersionStatus status;
        uint64 taskId;
        uint64 round;
        uint64 challengeDeadline;
        bytes32 contentHash;
    }

    /// @notice A model: its owner, head version and task (0: none).
    struct Model {
        address owner;
        uint64 head;
        uint64 taskId;
    }

    /// @notice The task manager is already set.
    error TaskManagerAlreadySet();
    /// @notice A zero address was given.
    error ZeroAddress();
    /// @notice Only winners of the round (providers with an accepted result in it) may sign its
    /// version.
    /// @param taskId The task.
    /// @param round The round.
    /// @param account The account that is not a winner.
    error NotRoundWinner(uint256 taskId, uint256 round, address account);
    /// @notice While its task is open only the protocol moves a task model's head: no merge or
    /// rollback.
    /// @param modelId The model.
    /// @param taskId Its task.
    error TaskModelLocked(uint256 modelId, uint256 taskId);
    /// @notice The model does not exist.
    /// @param modelId The model.
    error UnknownModel(uint256 modelId);
    /// @notice The version does not exist.
    /// @param versionId The version.
    error UnknownVersion(uint256 versionId);
    /// @notice The content given for a version is not the content it was registered with (its
    /// `VersionRegistered` event): it does not hash to the stored `contentHash`.
    /// @param versionId The version.
    /// @param stored The stored content hash.
    /// @param given `contentHashOf` the content given.
    error VersionDataMismatch(uint256 versionId, bytes32 stored, bytes32 given);
    /// @notice The version is not final.
    /// @param versionId The version.
    error VersionNotFinal(uint256 versionId);
    /// @notice The version is not in the state this needs.
    /// @param versionId The version.
    /// @param status Its status.
    error InvalidVersionStatus(uint256 versionId, VersionStatus status);
    /// @notice Only the model owner (or governance, for rollback) may do this.
    /// @param modelId The model.
    /// @param caller The caller.
    error NotModelOwner(uint256 modelId, address caller);
    /// @notice The model CID is empty.
    error EmptyModelCid();
    /// @notice A task continuing from version `parent` names another model as its initial one.
    /// @param parent The version the task continues from.
    error NotParentModel(uint256 parent);
    /// @notice The proposal is not for the task's current, fully decided round.
    /// @param taskId The task.
    /// @param round The round.
    error RoundNotReady(uint256 taskId, uint256 round);
    /// @notice The round already has a final version.
    /// @param taskId The task.
    /// @param round The round.
    error RoundAlreadyFinal(uint256 taskId, uint256 round);
    /// @notice The caller proposed a version for this round already: one proposal per aggregator
    /// and round, so a minority winner cannot outnumber the bonds its forgeries must be
    /// challenged with.
    /// @param taskId The task.
    /// @param round The round.
    /// @param aggregator The caller.
    error AlreadyProposed(uint256 taskId, uint256 round, address aggregator);
    /// @notice The proposal's round is over (the task moved to another round or ended): it can no
    /// longer become final, so an old proposal cannot take the head from the round running now.
    /// @param versionId The proposed version.
    /// @param round The round it was proposed for.
    /// @param currentRound The task's current round.
    error ProposalExpired(uint256 versionId, uint256 round, uint256 currentRound);
    /// @notice The proposal's parent is not the model head.
    /// @param parent The parent given.
    /// @param head The model head.
    error StaleParent(uint256 parent, uint256 head);
    /// @notice The proposal's delta root is not the one the verifier computes from the round's
    /// accepted results.
    /// @param given The proposal's delta root.
    /// @param computed The root of the accepted results.
    error DeltaRootMismatch(bytes32 given, bytes32 computed);
    /// @notice The signature is not the signer's over this version's `Version` (other content,
    /// round, parent, chain or contract, or not signed by it).
    /// @param signer The expected signer.
    error InvalidSignature(address signer);
    /// @notice The signer's signature of the version is counted already.
    /// @param signer The signer.
    error AlreadyConfirmed(address signer);
    /// @notice Signers and signatures differ in number.
    /// @param signers How many signers.
    /// @param signatures How many signatures.
    error SignatureCountMismatch(uint256 signers, uint256 signatures);
    /// @notice No signature was given.
    error NoSigners();
    /// @notice Signers must be strictly ascending by address (which also rules out duplicates).
    /// @param previous The signer before.
    /// @param signer The signer out of order.
    error SignersNotAscending(address previous, address signer);
    /// @notice The proposer must sign its own proposal: it is recorded as the aggregator.
    /// @param caller The caller, not among the signers.
    error CallerNotSigner(address caller);
    /// @notice The challenge window is over.
    /// @param deadline End of the challenge window.
    error ChallengeWindowClosed(uint64 deadline);
    /// @notice The challenge window is still open.
    /// @param deadline End of the challenge window.
    error ChallengeWindowOpen(uint64 deadline);
    /// @notice The version was not rejected by an upheld challenge.
    /// @param versionId The version.
    error NotForged(uint256 versionId);
    /// @notice `signer` has no standing signature of the version other than as its aggregator
    /// (never signed it, or already slashed for it).
    /// @param versionId The version.
    /// @param signer The signer.
    error NotCosigner(uint256 versionId, address signer);
    /// @notice Only a provider or the creator of the task may challenge.
    /// @param caller The caller.
    error NotAllowedToChallenge(address caller);
    /// @notice This commitment was made already (and not spent): committing it again would move it
    /// to a later block and postpone its opening.
    /// @param commitment The commitment.
    error ChallengeAlreadyCommitted(bytes32 commitment);
    /// @notice No commitment to this challenge was made in an earlier block (`commitChallenge`).
    /// @param commitment The commitment the call opens.
    error ChallengeNotCommitted(bytes32 commitment);
    /// @notice The version's challenge is open, from a commitment as old as the caller's or older.
    /// @param versionId The version.
    /// @param challenger Its challenger.
    error ChallengeAlreadyOpen(uint256 versionId, address challenger);
    /// @notice The version has no open challenge.
    /// @param versionId The version.
    error NoOpenChallenge(uint256 versionId);
    /// @notice The referee may still resolve the challenge until `resolveBy`.
    /// @param resolveBy The referee's deadline.
    error ChallengeUnresolvedUntil(uint64 resolveBy);
    /// @notice The referee's deadline passed: the challenge can only lapse (`expireChallenge`).
    /// @param versionId The version.
    /// @param resolveBy The referee's deadline.
    error ChallengeLapsed(uint256 versionId, uint64 resolveBy);
    /// @notice The rollback path is empty or not a chain of parents from the head.
    /// @param versionId The version that breaks the path (the head when the path is empty).
    error NotAnAncestor(uint256 versionId);
    /// @notice The two signed versions are not for the same task, round and parent, or name the
    /// same model (they may differ in metrics alone).
    error NotEquivocation();
    /// @notice `signer`'s equivocation in this round was reported already.
    /// @param taskId The task.
    /// @param round The round.
    /// @param signer The signer.
    error AlreadyReported(uint256 taskId, uint256 round, address signer);
    /// @notice The referee, and the signer itself, may not report.
    /// @param caller The caller.
    error NotAllowedToReport(address caller);
    /// @notice `account` is not a provider of task `taskId`.
    /// @param taskId The task.
    /// @param account The account.
    error NotTaskProvider(uint256 taskId, address account);

    /// @notice The task manager was set.
    /// @param taskManager The task manager.
    event TaskManagerSet(address taskManager);
    /// @notice A model was created with `head`.
    /// @param modelId The model.
    /// @param owner The owner.
    /// @param taskId The task.
    /// @param head The head version.
    event ModelCreated(uint256 indexed modelId, address indexed owner, uint256 indexed taskId, uint256 head);
    /// @notice A version was registered (final when `status` is Final).
    /// @param versionId The version.
    /// @param modelId The model.
    /// @param parent The first parent (0: none).
    /// @param mergeParent The second parent (0: none).
    /// @param status The status.
    /// @param modelCid Binary CID of the model.
    /// @param commitHash Content hash of the weights.
    /// @param deltaRoot Merkle root of the accepted delta CIDs.
    /// @param dataHash Hash of the training data.
    /// @param accuracyBps Validation accuracy in basis points.
    /// @param loss Validation loss, scaled by 1e6.
    event VersionRegistered(
        uint256 indexed versionId,
        uint256 indexed modelId,
        uint256 parent,
        uint256 mergeParent,
        VersionStatus status,
        bytes modelCid,
        bytes32 commitHash,
        bytes32 deltaRoot,
        bytes32 dataHash,
        uint32 accuracyBps,
        uint64 loss
    );
    /// @notice A version proposed for task round `round`; each other signature submitted with it
    /// follows as a `VersionConfirmed`.
    /// @param versionId The version.
    /// @param taskId The task.
    /// @param round The round.
    /// @param aggregator The proposer, one of the signers.
    /// @param signature The aggregator's EIP-712 `Version` signature.
    event VersionProposed(
        uint256 indexed versionId, uint256 indexed taskId, uint256 indexed round, address aggregator, bytes signature
    );
    /// @notice A winner's signature of a version was counted (with the proposal or later).
    /// @param versionId The version.
    /// @param signer The signer.
    /// @param signers Signers counted so far, the aggregator included.
    /// @param signature The signer's EIP-712 `Version` signature.
    event VersionConfirmed(uint256 indexed versionId, address indexed signer, uint256 signers, bytes signature);
    /// @notice A version was challenged (or its open challenge taken over by an older commitment).
    /// @param versionId The version.
    /// @param challenger The challenger.
    /// @param claim `versionClaim` of the round as the challenger recomputed it.
    event VersionChallenged(uint256 indexed versionId, address indexed challenger, bytes32 claim);
    /// @notice A challenge of a version was committed to (its target stays hidden until opened).
    /// @param challenger Who committed.
    /// @param commitment `challengeCommitmentOf(challenger, versionId, reason, salt)`.
    event ChallengeCommitted(address indexed challenger, bytes32 commitment);
    /// @notice An upheld challenge slashed the version's aggregator, the challenger as reporter.
    /// @param versionId The rejected version.
    /// @param taskId Its task.
    /// @param aggregator Who proposed it.
    /// @param reporter The challenger.
    /// @param amount The stake slashed.
    event VersionSlashed(
        uint256 indexed versionId, uint256 indexed taskId, address indexed aggregator, address reporter, uint256 amount
    );
    /// @notice A provider that signed a version found forged was slashed, its challenger as reporter.
    /// @param versionId The rejected version.
    /// @param taskId Its task.
    /// @param signer The co-signer slashed.
    /// @param reporter The version's challenger.
    /// @param amount The stake slashed.
    event CosignerSlashed(
        uint256 indexed versionId, uint256 indexed taskId, address indexed signer, address reporter, uint256 amount
    );
    /// @notice The referee judged the challenge of a version: `upheld` (the version was wrong and
    /// the aggregator was slashed; the bond went back when the challenger's claim was the content
    /// the referee computed, else it was burnt) or dismissed (the bond was forfeited, mostly burnt,
    /// a share to the aggregator).
    /// @param versionId The version.
    /// @param upheld Whether the challenger was right.
    /// @param bond The challenger's bond.
    event ChallengeResolved(uint256 indexed versionId, bool upheld, uint256 bond);
    /// @notice The referee missed its deadline: the bond went back and the version is unjudged.
    /// @param versionId The version.
    event ChallengeExpired(uint256 indexed versionId);
    /// @notice A version became final.
    /// @param versionId The version.
    /// @param modelId The model.
    event VersionFinalized(uint256 indexed versionId, uint256 indexed modelId);
    /// @notice A challenged version was rejected.
    /// @param versionId The version.
    event VersionRejected(uint256 indexed versionId);
    /// @notice `signer` signed two different models for one round of a task: slashed (the reporter
    /// earns the distributor's reporter share) and ejected from the task's later draws.
    /// @param taskId The task.
    /// @param round The round.
    /// @param signer The equivocating provider.
    /// @param reporter Who reported it.
    /// @param amount The stake slashed.
    event Equivocated(
        uint256 indexed taskId, uint256 indexed round, address indexed signer, address reporter, uint256 amount
    );
    /// @notice The head of a model moved.
    /// @param modelId The model.
    /// @param from The previous head.
    /// @param to The recipient.
    /// @param rollback Whether this is a rollback.
    event HeadMoved(uint256 indexed modelId, uint256 from, uint256 to, bool rollback);

    /// @notice Registers a new model owned by `owner` for task `taskId`, with a final genesis version.
    /// @param owner The task creator, owner of the model.
    /// @param taskId The task that trains the model.
    /// @param modelCid Binary CID of the initial model.
    /// @param commitHash Content hash of the initial weights.
    /// @param dataHash Hash of the training data manifest.
    /// @param parent A final version the task continues from (its genesis then has the same
    /// `modelCid` and `commitHash`, with `parent` as its parent), or zero for a fresh model.
    /// @param parentData The content `parent` was registered with (ignored when `parent` is zero).
    /// @return modelId The new model.
    /// @return versionId Its genesis version.
    function registerTaskModel(
        address owner,
        uint256 taskId,
        bytes calldata modelCid,
        bytes32 commitHash,
        bytes32 dataHash,
        uint256 parent,
        VersionData calldata parentData
    ) external returns (uint256 modelId, uint256 versionId);

    /// @notice The last round of `taskId` that `aggregator` proposed a version for, plus one (zero:
    /// none): `propose` takes one proposal per aggregator and round.
    /// @param taskId The task.
    /// @param aggregator The proposer.
    /// @return roundPlusOne That round plus one, or zero.
    function proposedRound(uint256 taskId, address aggregator) external view returns (uint256 roundPlusOne);

    /// @notice Creates a model owned by the caller with a final genesis version.
    /// @param data The genesis version.
    /// @return modelId The model.
    /// @return versionId The genesis version.
    function createModel(VersionData calldata data) external returns (uint256 modelId, uint256 versionId);

    /// @notice Starts a new model, owned by the caller, whose head is the final version `versionId`.
    /// @param versionId Any final version.
    /// @return modelId The new model.
    function fork(uint256 versionId) external returns (uint256 modelId);

    /// @notice Adds a final version with two parents, the head and `otherVersionId`, and moves the
    /// head to it. Only the model owner.
    /// @param modelId The model.
    /// @param otherVersionId The other final version merged in.
    /// @param data The merged version's content.
    /// @return versionId The new version.
    function merge(uint256 modelId, uint256 otherVersionId, VersionData calldata data)
        external
        returns (uint256 versionId);

    /// @notice Moves the head of `modelId` back to an ancestor. `path` lists versions from a parent
    /// of the head down to the target, each a parent of the one before. Model owner or governance.
    /// @param modelId The model.
    /// @param path The parent path; its last entry is the new head.
    function rollback(uint256 modelId, uint256[] calldata path) external;

    /// @notice Proposes the version of the current, fully decided round of a task with the
    /// winners' signatures of its EIP-712 `Version`; the caller must be one of the signers and is
    /// recorded as the aggregator, at most once per round (`AlreadyProposed`: each proposal needs
    /// its own bonded challenge, so one winner's many forgeries could outnumber the challengers'
    /// bonds). The version is final at once when the signers are a strict
    /// majority of the round's winners and more than the task's `confirmations`. The proposal's
    /// `deltaRoot` must be the one the verifier computes from `results` (`acceptedDeltaRoot`), so
    /// no version names inputs other than the round's accepted results.
    /// @param p The proposal (parent must be the model's head).
    /// @param signers Winners of the round, strictly ascending by address.
    /// @param signatures Their signatures of `versionDigest(p)` (ECDSA or ERC-1271), in the same order.
    /// @param results What every winner of the round revealed, in (shard, replica) order.
    /// @return versionId The proposed version.
    function propose(
        Proposal calldata p,
        address[] calldata signers,
        bytes[] calldata signatures,
        IConsensusVerifier.AcceptedResult[] calldata results
    ) external returns (uint256 versionId);

    /// @notice Adds winners' signatures to a proposed (or challenged) version; anyone may submit
    /// them. The version becomes final once enough signers are counted.
    /// @param versionId The version.
    /// @param data Its content, as in its `VersionRegistered` event (checked against its hash).
    /// @param signers Winners of its round not counted yet, strictly ascending by address.
    /// @param signatures Their signatures of the version's `Version`, in the same order.
    function confirm(
        uint256 versionId,
        VersionData calldata data,
        address[] calldata signers,
        bytes[] calldata signatures
    ) external;

    /// @notice Commits to a challenge without naming its version: `commitment` is
    /// `challengeCommitmentOf(msg.sender, versionId, claim, salt)`. An upheld challenge pays its
    /// challenger a reporter's share, so the opening must follow a commitment made in an earlier
    /// block: whoever copies an opening seen in the mempool has no such commitment. The claim
    /// (`versionClaim` of the round as the challenger recomputed it) must be what the referee
    /// computes, so a commitment made blind, before any recomputation, earns nothing. A commitment not yet spent
    /// cannot be made again (`ChallengeAlreadyCommitted`).
    /// @param commitment The commitment.
    function commitChallenge(bytes32 commitment) external;

    /// @notice Challenges a proposed version within its challenge window, bonding `challengeBond`
    /// MLB (approve the RewardDistributor first). The task's providers and creator only, never the
    /// referee; the caller committed to it in an earlier block (`ChallengeNotCommitted` otherwise),
    /// and the commitment is spent. One open challenge per version: a later opening takes it over
    /// only with an older commitment (`ChallengeAlreadyOpen` otherwise), the former challenger's
    /// bond coming back and the referee's deadline unchanged. A challenged version cannot become
    /// final by its quiet window until the challenge is resolved or lapses, but a winners' majority
    /// still finalizes it by signing.
    /// @param versionId The version.
    /// @param claim `versionClaim` of the round as the challenger recomputed it.
    /// @param salt The commitment's secret.
    function challenge(uint256 versionId, bytes32 claim, bytes32 salt) external;

    /// @notice The commitment `commitChallenge` takes for a challenge.
    /// @param challenger Who will open it.
    /// @param versionId The version.
    /// @param claim The `versionClaim` it will name.
    /// @param salt A secret.
    /// @return `keccak256(abi.encode(challenger, versionId, claim, salt))`.
    function challengeCommitmentOf(address challenger, uint256 versionId, bytes32 claim, bytes32 salt)
        external
        pure
        returns (bytes32);

    /// @notice The referee's verdict on a challenge, before its deadline: `uphold` rejects a version
    /// not final yet and slashes the version's aggregator the task's minimum stake
    /// (`VersionSlashed`); the challenger gets its bond back and is the reporter when its claim is
    /// `claim`, else its bond is burnt and there is no reporter. Dismissed, the bond is forfeited
    /// (mostly burnt, a share to the aggregator) and the version becomes final if its round is
    /// still running.
    /// @param versionId The challenged version.
    /// @param uphold Whether the challenge is right.
    /// @param claim `versionClaim` of the round as the referee recomputed it.
    function resolveChallenge(uint256 versionId, bool uphold, bytes32 claim) external;

    /// @notice What a version's challenge claims: `keccak256(abi.encode(commitHash, deltaRoot,
    /// dataHash))` of the round recomputed from its accepted results. Where the proposal's weights
    /// are wrong, only the recomputation gives it.
    /// @param commitHash The recomputed model's commit hash.
    /// @param deltaRoot The root of the round's accepted delta leaves.
    /// @param dataHash The recomputed data hash.
    /// @return The claim.
    function versionClaim(bytes32 commitHash, bytes32 deltaRoot, bytes32 dataHash) external pure returns (bytes32);

    /// @notice Lets an unresolved challenge lapse after the referee's deadline (anyone may call):
    /// the bond goes back to the challenger and the version returns to Proposed, with no quiet
    /// window left (its `challengeDeadline` becomes `type(uint64).max`): unjudged, it becomes final
    /// only by a winners' majority.
    /// @param versionId The challenged version.
    function expireChallenge(uint256 versionId) external;

    /// @notice The bond a challenge of `versionId` takes: the task's minimum stake.
    /// @param versionId The version.
    /// @return The bond.
    function challengeBond(uint256 versionId) external view returns (uint256);

    /// @notice The open challenge of a version.
    /// @param versionId The version.
    /// @return challenger Who challenged (zero: no open challenge).
    /// @return bond Its bond.
    /// @return resolveBy The referee's deadline.
    /// @return committedAt The block of its commitment.
    /// @return claim The `versionClaim` it names.
    function challenges(uint256 versionId)
        external
        view
        returns (address challenger, uint96 bond, uint64 resolveBy, uint64 committedAt, bytes32 claim);

    /// @notice Slashes a provider that signed a version the referee found forged (an upheld
    /// challenge rejected it), the task's minimum stake, with the reporter of `forgeries`,
    /// and ejects it from the task's later draws. A signature says its signer recomputed the
    /// version and got the same content; honest winners sign nothing else, so a signature of a
    /// forged version is a lie or colluding carelessness. Anyone may call it, once per signer; the
    /// aggregator was slashed with the verdict.
    /// @param versionId The rejected version.
    /// @param signer A signer of its (non-final) signatures.
    /// @return amount The stake slashed.
    function slashCosigner(uint256 versionId, address signer) external returns (uint256 amount);

    /// @notice Whether an upheld challenge found `versionId` forged, and the reporter of its
    /// co-signers' slashes (the challenger when its claim was right, else zero).
    /// @param versionId The version.
    /// @return forged True once an upheld challenge found it forged.
    /// @return reporter The reporter.
    function forgeries(uint256 versionId) external view returns (bool forged, address reporter);

    /// @notice Reports a provider of a task that signed two different models (model CID, commit
    /// hash, delta root or data hash) for the same task, round and parent: it is slashed the
    /// task's minimum stake, the caller earns the reporter's share, and it is ejected from the
    /// task's later draws. Once per signer and round; neither the referee nor the signer reports.
    /// @param signer The equivocating provider.
    /// @param a One signed version.
    /// @param sigA `signer`'s `Version` signature of `a`.
    /// @param b The other signed version.
    /// @param sigB `signer`'s `Version` signature of `b`.
    /// @return amount The stake slashed.
    function reportEquivocation(
        address signer,
        Proposal calldata a,
        bytes calldata sigA,
        Proposal calldata b,
        bytes calldata sigB
    ) external returns (uint256 amount);

    /// @notice Whether `signer`'s equivocation in round `round` of task `taskId` was reported.
    /// @param taskId The task.
    /// @param round The round.
    /// @param signer The signer.
    /// @return True once reported.
    function equivocated(uint256 taskId, uint256 round, address signer) external view returns (bool);

    /// @notice Finalizes a proposed version whose challenge window passed without a challenge;
    /// anyone may call it.
    /// @param versionId The version.
    function finalizeVersion(uint256 versionId) external;

    /// @notice Whether `finalizeVersion(versionId)` would make the version final now: proposed,
    /// unchallenged, its quiet window passed (never, once a lapsed challenge left it none), and its
    /// round still the running round of its task without a final version.
    /// @param versionId The version.
    /// @return True when it would.
    function quietWindowPassed(uint256 versionId) external view returns (bool);

    /// @notice The stored version `versionId`: its state and the hash of its content (the content
    /// is in its `VersionRegistered` event).
    /// @param versionId The version.
    /// @return The version.
    function getVersion(uint256 versionId) external view returns (Version memory);

    /// @notice The hash a version's content is stored as: `keccak256(abi.encode(data))`, the
    /// struct ABI-encoded as one tuple.
    /// @param data The content.
    /// @return The content hash.
    function contentHashOf(VersionData calldata data) external pure returns (bytes32);

    /// @notice Reverts unless `data` is the content version `versionId` was registered with.
    /// @param versionId The version (`UnknownVersion` when there is none).
    /// @param data The content claimed for it (`VersionDataMismatch` when it is not).
    function requireVersionData(uint256 versionId, VersionData calldata data) external view;

    /// @notice The model `modelId`.
    /// @param modelId The model.
    /// @return The model.
    function getModel(uint256 modelId) external view returns (Model memory);

    /// @notice The EIP-712 digest of `p`'s `Version`, what every endorsing winner signs.
    /// @param p The proposal.
    /// @return The digest.
    function versionDigest(Proposal calldata p) external view returns (bytes32);

    /// @notice The EIP-712 domain separator (chain id and this contract).
    /// @return The separator.
    function domainSeparator() external view returns (bytes32);

    /// @notice Models created; ids start at 1.
    /// @return The number of models.
    function modelCount() external view returns (uint256);

    /// @notice Versions registered; ids start at 1.
    /// @return The number of versions.
    function versionCount() external view returns (uint256);

    /// @notice Whether `signer`'s signature is counted for `versionId` while it gathers signatures.
    /// A version final at its proposal stores none (its signers are in its events).
    /// @param versionId The version.
    /// @param signer The signer.
    /// @return True when counted.
    function confirmedBy(uint256 versionId, address signer) external view returns (bool);
}
