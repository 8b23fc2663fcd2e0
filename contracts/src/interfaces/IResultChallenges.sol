// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IConsensusVerifier} from "./IConsensusVerifier.sol";

/// @title IResultChallenges
/// @notice Bonded challenges of one revealed result (a delta whose bytes do not match the revealed
/// fingerprint, or a fingerprint the referee's re-execution disagrees with), judged by the referee.
/// A challenge is committed first (a hash of challenger, result, claim and salt) and opened after,
/// so a watcher who copies an opening cannot take the reporter's share: a result has one open
/// challenge, and an opening whose commitment is in an earlier block takes it over (the superseded
/// challenger's bond comes back). The claim (`resultClaim`) is what only checking the result's
/// bytes gives, so a watcher that commits blind on every result, to take over whoever checks, is
/// not paid. A reporter who commits a block before opening is safe. An upheld challenge slashes the
/// result's provider and returns the bond with the challenger as reporter when its claim is the
/// referee's, else burns the bond with no reporter; a dismissed one forfeits the bond to the
/// accused (most burnt); one the referee misses lapses with the bond returned.
interface IResultChallenges {
    /// @notice An open challenge.
    /// @param challenger Who opened it (the reporter if upheld with its claim).
    /// @param committedAt Block of its commitment: an older one takes the challenge over.
    /// @param resolveBy The referee's deadline; from it on the challenge lapses.
    /// @param claim What the challenger found in the result's bytes (`resultClaim`).
    struct Challenge {
        address challenger;
        uint48 committedAt;
        uint48 resolveBy;
        bytes32 claim;
    }

    /// @notice The commitment was already made.
    /// @param commitment The commitment.
    error AlreadyCommitted(bytes32 commitment);
    /// @notice No commitment of this opening was made.
    /// @param commitment The commitment the opening hashes to.
    error NotCommitted(bytes32 commitment);
    /// @notice Only a provider or the creator of the task may challenge, never the accused or a
    /// referee.
    /// @param caller The caller.
    error NotAllowedToChallenge(address caller);
    /// @notice The result has an open challenge committed no later than this one.
    /// @param challenger Its challenger.
    error ChallengeAlreadyOpen(address challenger);
    /// @notice The result has no open challenge.
    error NoOpenChallenge();
    /// @notice A challenge's or a fraud proof's commitment must be from an earlier block than its
    /// opening.
    /// @param commitment The commitment.
    error CommittedInThisBlock(bytes32 commitment);
    /// @notice The bytes given are not the delta the result revealed.
    /// @param resultDigest The result's stored digest.
    error NotTheRevealedDelta(bytes32 resultDigest);
    /// @notice The delta passes every check a contract can make: challenge it instead.
    error DeltaPassesOnChainChecks();
    /// @notice The referee's deadline passed: the challenge can only lapse.
    /// @param resolveBy The deadline.
    error ChallengeLapsed(uint64 resolveBy);
    /// @notice The referee may still judge the challenge until `resolveBy`.
    /// @param resolveBy The deadline.
    error ChallengeUnresolvedUntil(uint64 resolveBy);

    /// @notice A challenge was committed.
    /// @param challenger Who committed.
    /// @param commitment `commitmentOf(challenger, ref, claim, salt)`.
    event ChallengeCommitted(address indexed challenger, bytes32 indexed commitment);
    /// @notice A result was challenged (or an older commitment took its challenge over).
    /// @param taskId The task.
    /// @param round The round.
    /// @param shard The shard.
    /// @param attempt The attempt.
    /// @param replica The replica.
    /// @param challenger The challenger.
    /// @param bond The bond held.
    /// @param resolveBy The referee's deadline.
    event ResultChallenged(
        uint256 indexed taskId,
        uint256 indexed round,
        uint256 indexed shard,
        uint256 attempt,
        uint256 replica,
        address challenger,
        uint256 bond,
        uint64 resolveBy
    );
    /// @notice The referee judged the challenge of a result.
    /// @param resultKey `resultKey(ref)`.
    /// @param challenger The challenger.
    /// @param upheld Whether the result was found at fault (and slashed).
    event ResultChallengeResolved(bytes32 indexed resultKey, address indexed challenger, bool upheld);
    /// @notice The referee missed its deadline: the bond went back.
    /// @param resultKey `resultKey(ref)`.
    /// @param challenger The challenger.
    event ResultChallengeExpired(bytes32 indexed resultKey, address indexed challenger);

    /// @notice A fraud proof showed a result's delta invalid, and its provider was slashed.
    /// @param resultKey `resultKey(ref)`.
    /// @param prover Who proved it.
    /// @param reporter Who is paid the reporter's share: the prover, or the result's open
    /// challenger when its commitment is older and its claim is the proof's.
    /// @param deltaHash sha256 of the delta's bytes (its CID's digest).
    event InvalidDeltaProven(bytes32 indexed resultKey, address indexed prover, address reporter, bytes32 deltaHash);

    /// @notice Commits to a challenge or a fraud proof: `commitmentOf(msg.sender, ref, claim, salt)`.
    /// @param commitment The commitment.
    function commit(bytes32 commitment) external;

    /// @notice Opens the committed challenge of a revealed, unslashed result, bonding the task's
    /// `rewardPerResult` (approved to the distributor), in a block after its commitment's.
    /// @param ref The result.
    /// @param claim What the challenger found in the result's bytes (`resultClaim`).
    /// @param salt The commitment's salt.
    function challenge(IConsensusVerifier.ResultRef calldata ref, bytes32 claim, bytes32 salt) external;

    /// @notice The referee's judgement (REFEREE_ROLE, before `resolveBy`): upheld slashes the
    /// result's provider for `reason` (unless an audit slashed it already), and returns the bond with
    /// the challenger as reporter when its claim is `claim`, else burns the bond with no reporter;
    /// dismissed forfeits the bond to the accused.
    /// @param ref The result.
    /// @param upheld Whether the result is at fault.
    /// @param reason Why (when upheld).
    /// @param evidence Content hash of the referee's published report.
    /// @param claim `resultClaim` of the result's bytes as the referee found them.
    function resolve(
        IConsensusVerifier.ResultRef calldata ref,
        bool upheld,
        IConsensusVerifier.SlashReason reason,
        bytes32 evidence,
        bytes32 claim
    ) external;

    /// @notice A fraud proof the contract checks alone, no referee and no bond: `delta` is the
    /// plaintext the result revealed (its sha256 is the revealed delta CID's digest, and with
    /// `fingerprintHash` it gives the stored result digest) and fails a header check every decoder
    /// applies (`DeltaHeader.isFaulty`, e.g. bound to another provider or attempt). Slashes the
    /// result's provider for `InvalidDelta` with evidence `sha256(delta)`, so the evidence names
    /// the delta itself. Needs `commitmentOf(msg.sender, ref, resultClaim(keccak256(delta),
    /// 0), salt)` from an earlier block, so a watcher who copies the proof from the mempool cannot
    /// take the reporter's share. An open challenge of the result with that same claim is upheld
    /// by it (bond back; its challenger stays the reporter when committed first); one with another
    /// claim stays open for the referee, since a challenger that found the sealed bytes not
    /// opening is as right as the prover. Anyone but the accused may prove.
    /// @param ref The result.
    /// @param salt The commitment's salt.
    /// @param fingerprintHash `keccak256(fingerprint)` of the reveal, the fingerprint packed (4 bytes per entry).
    /// @param delta The revealed plaintext delta, whole.
    function proveInvalidDelta(
        IConsensusVerifier.ResultRef calldata ref,
        bytes32 salt,
        bytes32 fingerprintHash,
        bytes calldata delta
    ) external;

    /// @notice After `resolveBy`, anyone closes the challenge and the bond goes back.
    /// @param ref The result.
    function expire(IConsensusVerifier.ResultRef calldata ref) external;

    /// @notice The open challenge of a result (challenger zero when none).
    /// @param ref The result.
    /// @return The challenge.
    function challengeOf(IConsensusVerifier.ResultRef calldata ref) external view returns (Challenge memory);

    /// @notice `keccak256(abi.encode(challenger, ref, claim, salt))`.
    /// @param challenger The challenger.
    /// @param ref The result.
    /// @param claim What the challenger found (`resultClaim`).
    /// @param salt A secret salt.
    /// @return The commitment.
    function commitmentOf(address challenger, IConsensusVerifier.ResultRef calldata ref, bytes32 claim, bytes32 salt)
        external
        pure
        returns (bytes32);

    /// @notice What checking a result's bytes finds: `keccak256(abi.encode(contentHash,
    /// fingerprintHash))`, with `contentHash` the keccak256 of the plaintext delta when the sealed
    /// delta opens to the committed CID (else of the sealed bytes), and `fingerprintHash` that of
    /// the fingerprint recomputed from a delta that decodes and validates under the attempt's seed
    /// (packed, 4 bytes per entry), else zero. Neither comes from the reveal alone: only whoever
    /// fetched and checked the bytes knows them.
    /// @param contentHash keccak256 of the plaintext (or of the sealed bytes that do not open).
    /// @param fingerprintHash keccak256 of the recomputed fingerprint, or zero.
    /// @return The claim.
    function resultClaim(bytes32 contentHash, bytes32 fingerprintHash) external pure returns (bytes32);

    /// @notice `keccak256(abi.encode(ref))`: the key of a result's challenge and bond.
    /// @param ref The result.
    /// @return The key.
    function resultKey(IConsensusVerifier.ResultRef calldata ref) external pure returns (bytes32);
}
