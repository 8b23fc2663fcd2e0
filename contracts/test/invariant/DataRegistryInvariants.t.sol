// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {Test} from "forge-std/Test.sol";
import {DataRegistry} from "../../src/DataRegistry.sol";
import {IDataRegistry} from "../../src/interfaces/IDataRegistry.sol";
import {IModelRegistry} from "../../src/interfaces/IModelRegistry.sol";
import {ITaskManager} from "../../src/interfaces/ITaskManager.sol";

/// @dev Registers (fresh and repeated content hashes), updates terms and hands data sets over from
/// a few accounts, keeping its own record of what each registration fixed.
contract DataRegistryHandler is Test {
    DataRegistry public immutable data;
    address[4] internal actors;
    /// Content hashes drawn from a small pool, so repeats are common.
    uint256 internal constant HASH_POOL = 64;

    uint256 public ghostRegistrations;
    uint256 public ghostDuplicatesAccepted;
    uint256 public ghostWrongRejections;
    uint256 public ghostUnauthorizedChanges;
    mapping(uint256 dataSetId => bytes32) public ghostContentHash;
    mapping(uint256 dataSetId => bytes32) public ghostCidHash;
    mapping(uint256 dataSetId => address) public ghostOwner;
    mapping(bytes32 contentHash => uint256) public ghostIdOf;

    constructor(DataRegistry data_) {
        data = data_;
        for (uint256 i = 0; i < actors.length; ++i) {
            actors[i] = makeAddr(string.concat("actor", vm.toString(i)));
        }
    }

    function register(uint256 actorSeed, uint256 hashSeed, uint256 cidSeed) external {
        address who = _actor(actorSeed);
        bytes32 contentHash = _hash(hashSeed);
        bytes memory cid = abi.encodePacked(hex"01551220", keccak256(abi.encode(cidSeed)));
        uint256 existing = ghostIdOf[contentHash];
        vm.prank(who);
        try data.register(cid, contentHash, "set", "MIT", "") returns (uint256 id) {
            if (existing != 0) ghostDuplicatesAccepted++;
            ghostRegistrations++;
            if (id != ghostRegistrations) ghostWrongRejections++;
            ghostIdOf[contentHash] = id;
            ghostContentHash[id] = contentHash;
            ghostCidHash[id] = keccak256(cid);
            ghostOwner[id] = who;
        } catch (bytes memory err) {
            bytes memory expected = abi.encodeWithSelector(IDataRegistry.AlreadyRegistered.selector, existing);
            if (existing == 0 || keccak256(err) != keccak256(expected)) ghostWrongRejections++;
        }
    }

    function update(uint256 actorSeed, uint256 idSeed, uint256 lengthSeed) external {
        address who = _actor(actorSeed);
        uint256 id = bound(idSeed, 0, ghostRegistrations + 1);
        string memory license = string(new bytes(bound(lengthSeed, 0, 300)));
        vm.prank(who);
        try data.update(id, license, "updated") {
            if (ghostOwner[id] != who || bytes(license).length > data.MAX_LICENSE_LENGTH()) {
                ghostUnauthorizedChanges++;
            }
        } catch {
            if (ghostOwner[id] == who && bytes(license).length <= data.MAX_LICENSE_LENGTH()) ghostWrongRejections++;
        }
    }

    function transferOwnership(uint256 actorSeed, uint256 idSeed, uint256 toSeed) external {
        address who = _actor(actorSeed);
        address to = _actor(toSeed);
        uint256 id = bound(idSeed, 0, ghostRegistrations + 1);
        vm.prank(who);
        try data.transferOwnership(id, to) {
            if (ghostOwner[id] != who) ghostUnauthorizedChanges++;
            ghostOwner[id] = to;
        } catch {
            if (ghostOwner[id] == who) ghostWrongRejections++;
        }
    }

    function _actor(uint256 seed) internal view returns (address) {
        return actors[seed % actors.length];
    }

    function _hash(uint256 seed) internal pure returns (bytes32) {
        return keccak256(abi.encode("content", seed % HASH_POOL));
    }
}

contract DataRegistryInvariantTest is Test {
    DataRegistry internal data;
    DataRegistryHandler internal handler;

    function setUp() public {
        // Citations need tasks (DataRegistry.t.sol covers them); registration reads neither contract.
        data = new DataRegistry(ITaskManager(makeAddr("taskManager")), IModelRegistry(makeAddr("modelRegistry")));
        handler = new DataRegistryHandler(data);
        targetContract(address(handler));
    }

    /// The count is the number of registrations accepted, and only repeats of a hash are refused.
    function invariant_countEqualsRegistrations() public view {
        assertEq(data.dataSetCount(), handler.ghostRegistrations(), "count");
        assertEq(handler.ghostDuplicatesAccepted(), 0, "a content hash registered twice");
        assertEq(handler.ghostWrongRejections(), 0, "a valid call refused, or refused for the wrong reason");
        assertEq(handler.ghostUnauthorizedChanges(), 0, "a change by someone other than the owner");
    }

    /// Every data set maps back from its content hash, and its CID, hash and owner are what the
    /// handler recorded: registered facts never change, and only transfers move ownership.
    function invariant_recordsConsistentAndFixed() public view {
        uint256 count = data.dataSetCount();
        for (uint256 id = 1; id <= count; ++id) {
            IDataRegistry.DataSet memory d = data.dataSet(id);
            assertEq(d.contentHash, handler.ghostContentHash(id), "content hash changed");
            assertEq(keccak256(d.manifestCid), handler.ghostCidHash(id), "manifest CID changed");
            assertEq(d.owner, handler.ghostOwner(id), "owner");
            assertEq(data.dataSetOf(d.contentHash), id, "content hash maps elsewhere");
        }
        assertEq(data.dataSet(count + 1).owner, address(0), "a data set past the count");
    }
}
