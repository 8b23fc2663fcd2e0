// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {DataRegistry} from "../src/DataRegistry.sol";
import {IDataRegistry} from "../src/interfaces/IDataRegistry.sol";
import {IModelRegistry} from "../src/interfaces/IModelRegistry.sol";
import {ITaskManager} from "../src/interfaces/ITaskManager.sol";
import {ProtocolFixture} from "./utils/ProtocolFixture.sol";

/// @notice Data sets: registration, terms, ownership, and the citation of a task's data.
contract DataRegistryTest is ProtocolFixture {
    DataRegistry internal data;
    address internal owner = makeAddr("owner");
    address internal heir = makeAddr("heir");

    bytes internal constant CID = hex"01711220bb";
    /// What `_params()` records as the task's data hash.
    bytes32 internal constant TASK_DATA = keccak256("data");

    function setUp() public {
        _deploy();
        data = new DataRegistry(tm, registry);
    }

    function _register(address who, bytes32 contentHash) internal returns (uint256) {
        vm.prank(who);
        return data.register(CID, contentHash, "MNIST", "CC-BY-SA-3.0", "handwritten digits");
    }

    function _expectRegisterRevert(
        bytes memory cid,
        bytes32 contentHash,
        string memory name,
        string memory license,
        string memory description,
        bytes memory err
    ) internal {
        vm.expectRevert(err);
        vm.prank(owner);
        data.register(cid, contentHash, name, license, description);
    }

    function _text(uint256 length) internal pure returns (string memory) {
        return string(new bytes(length));
    }

    function _tooLong(string memory field, uint256 length, uint256 max) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(IDataRegistry.FieldTooLong.selector, field, length, max);
    }

    // ---------------------------------------------------------------- constructor

    function test_constructor_revertsOnZeroAddresses() public {
        vm.expectRevert(IDataRegistry.ZeroAddress.selector);
        new DataRegistry(ITaskManager(address(0)), registry);
        vm.expectRevert(IDataRegistry.ZeroAddress.selector);
        new DataRegistry(tm, IModelRegistry(address(0)));
    }

    function test_constructor_storesItsContracts() public view {
        assertEq(address(data.taskManager()), address(tm));
        assertEq(address(data.modelRegistry()), address(registry));
        assertEq(data.dataSetCount(), 0);
    }

    // ---------------------------------------------------------------- register

    function test_register_storesTheDataSetAndEmits() public {
        vm.warp(1234);
        vm.expectEmit(address(data));
        emit IDataRegistry.DataSetRegistered(1, owner, TASK_DATA, CID, "MNIST", "CC-BY-SA-3.0", "handwritten digits");
        uint256 id = _register(owner, TASK_DATA);
        assertEq(id, 1);
        assertEq(data.dataSetCount(), 1);
        assertEq(data.dataSetOf(TASK_DATA), 1);
        IDataRegistry.DataSet memory d = data.dataSet(1);
        assertEq(d.owner, owner);
        assertEq(d.registeredAt, 1234);
        assertEq(d.contentHash, TASK_DATA);
        assertEq(d.manifestCid, CID);
        assertEq(d.name, "MNIST");
        assertEq(d.license, "CC-BY-SA-3.0");
        assertEq(d.description, "handwritten digits");
    }

    function test_register_idsAreSequentialFromOne() public {
        assertEq(_register(owner, keccak256("a")), 1);
        assertEq(_register(heir, keccak256("b")), 2);
        assertEq(_register(owner, keccak256("c")), 3);
        assertEq(data.dataSetCount(), 3);
        assertEq(data.dataSetOf(keccak256("b")), 2);
    }

    function test_register_allowsEmptyLicenseAndDescription() public {
        vm.prank(owner);
        uint256 id = data.register(CID, TASK_DATA, "n", "", "");
        assertEq(data.dataSet(id).license, "");
    }

    function test_register_revertsOnADuplicateContentHashNamingTheFirst() public {
        _register(owner, keccak256("a"));
        _register(owner, TASK_DATA);
        // Another account, another CID and other terms: the content is what counts.
        vm.expectRevert(abi.encodeWithSelector(IDataRegistry.AlreadyRegistered.selector, 2));
        vm.prank(heir);
        data.register(hex"0155", TASK_DATA, "copy", "MIT", "");
        assertEq(data.dataSet(2).owner, owner);
        assertEq(data.dataSetCount(), 2);
    }

    function test_register_revertsOnZeroContentHash() public {
        _expectRegisterRevert(
            CID, bytes32(0), "n", "", "", abi.encodeWithSelector(IDataRegistry.ZeroContentHash.selector)
        );
    }

    function test_register_revertsOnEmptyCidOrName() public {
        _expectRegisterRevert(
            "", TASK_DATA, "n", "", "", abi.encodeWithSelector(IDataRegistry.EmptyField.selector, "manifestCid")
        );
        _expectRegisterRevert(
            CID, TASK_DATA, "", "", "", abi.encodeWithSelector(IDataRegistry.EmptyField.selector, "name")
        );
    }

    function test_register_revertsOnEachFieldTooLong() public {
        uint256 maxCid = data.MAX_CID_LENGTH();
        uint256 maxName = data.MAX_NAME_LENGTH();
        uint256 maxLicense = data.MAX_LICENSE_LENGTH();
        uint256 maxDescription = data.MAX_DESCRIPTION_LENGTH();
        _expectRegisterRevert(
            new bytes(maxCid + 1), TASK_DATA, "n", "", "", _tooLong("manifestCid", maxCid + 1, maxCid)
        );
        _expectRegisterRevert(CID, TASK_DATA, _text(maxName + 1), "", "", _tooLong("name", maxName + 1, maxName));
        _expectRegisterRevert(
            CID, TASK_DATA, "n", _text(maxLicense + 1), "", _tooLong("license", maxLicense + 1, maxLicense)
        );
        _expectRegisterRevert(
            CID,
            TASK_DATA,
            "n",
            "",
            _text(maxDescription + 1),
            _tooLong("description", maxDescription + 1, maxDescription)
        );
    }

    function test_register_acceptsEveryFieldAtItsBound() public {
        vm.prank(owner);
        uint256 id = data.register(
            new bytes(data.MAX_CID_LENGTH()),
            TASK_DATA,
            _text(data.MAX_NAME_LENGTH()),
            _text(data.MAX_LICENSE_LENGTH()),
            _text(data.MAX_DESCRIPTION_LENGTH())
        );
        assertEq(bytes(data.dataSet(id).description).length, data.MAX_DESCRIPTION_LENGTH());
    }

    /// Any length within the bound registers, any length past it fails naming the field.
    function testFuzz_register_boundsEveryField(uint256 field, uint256 length) public {
        field = bound(field, 0, 3);
        uint256 max = [
            data.MAX_CID_LENGTH(), data.MAX_NAME_LENGTH(), data.MAX_LICENSE_LENGTH(), data.MAX_DESCRIPTION_LENGTH()
        ][field];
        length = bound(length, 1, max + 64);
        if (length > max) {
            string[4] memory names = ["manifestCid", "name", "license", "description"];
            vm.expectRevert(_tooLong(names[field], length, max));
        }
        vm.prank(owner);
        data.register(
            field == 0 ? new bytes(length) : CID,
            TASK_DATA,
            field == 1 ? _text(length) : "n",
            field == 2 ? _text(length) : "",
            field == 3 ? _text(length) : ""
        );
        assertEq(data.dataSetCount(), length > max ? 0 : 1);
    }

    /// Distinct hashes get distinct sequential ids; a repeat names the first.
    function testFuzz_register_oneIdPerContentHash(bytes32 a, bytes32 b) public {
        vm.assume(a != bytes32(0) && b != bytes32(0));
        assertEq(_register(owner, a), 1);
        if (a == b) {
            vm.expectRevert(abi.encodeWithSelector(IDataRegistry.AlreadyRegistered.selector, 1));
            vm.prank(heir);
            data.register(CID, b, "n", "", "");
        } else {
            assertEq(_register(heir, b), 2);
            assertEq(data.dataSetOf(b), 2);
        }
        assertEq(data.dataSetOf(a), 1);
    }

    // ---------------------------------------------------------------- update

    function test_update_changesTermsOnlyAndEmits() public {
        uint256 id = _register(owner, TASK_DATA);
        vm.warp(block.timestamp + 100);
        vm.expectEmit(address(data));
        emit IDataRegistry.DataSetUpdated(id, "MIT", "digits, relabelled");
        vm.prank(owner);
        data.update(id, "MIT", "digits, relabelled");
        IDataRegistry.DataSet memory d = data.dataSet(id);
        assertEq(d.license, "MIT");
        assertEq(d.description, "digits, relabelled");
        assertEq(d.manifestCid, CID);
        assertEq(d.contentHash, TASK_DATA);
        assertEq(d.name, "MNIST");
        assertEq(d.registeredAt, 1);
    }

    function test_update_revertsForAnyoneButTheOwner() public {
        uint256 id = _register(owner, TASK_DATA);
        vm.expectRevert(abi.encodeWithSelector(IDataRegistry.NotDataSetOwner.selector, id, stranger));
        vm.prank(stranger);
        data.update(id, "MIT", "");
    }

    function test_update_revertsOnAnUnknownDataSet() public {
        vm.expectRevert(abi.encodeWithSelector(IDataRegistry.UnknownDataSet.selector, 7));
        vm.prank(owner);
        data.update(7, "MIT", "");
    }

    function test_update_revertsOnTermsTooLong() public {
        uint256 id = _register(owner, TASK_DATA);
        uint256 maxLicense = data.MAX_LICENSE_LENGTH();
        uint256 maxDescription = data.MAX_DESCRIPTION_LENGTH();
        vm.startPrank(owner);
        vm.expectRevert(_tooLong("license", maxLicense + 1, maxLicense));
        data.update(id, _text(maxLicense + 1), "");
        vm.expectRevert(_tooLong("description", maxDescription + 1, maxDescription));
        data.update(id, "", _text(maxDescription + 1));
        vm.stopPrank();
    }

    // ---------------------------------------------------------------- transferOwnership

    function test_transferOwnership_movesTheRightsAndEmits() public {
        uint256 id = _register(owner, TASK_DATA);
        vm.expectEmit(address(data));
        emit IDataRegistry.DataSetOwnershipTransferred(id, owner, heir);
        vm.prank(owner);
        data.transferOwnership(id, heir);
        assertEq(data.dataSet(id).owner, heir);
        vm.expectRevert(abi.encodeWithSelector(IDataRegistry.NotDataSetOwner.selector, id, owner));
        vm.prank(owner);
        data.update(id, "MIT", "");
        vm.prank(heir);
        data.update(id, "MIT", "");
        assertEq(data.dataSet(id).contentHash, TASK_DATA);
    }

    function test_transferOwnership_revertsForAnyoneButTheOwner() public {
        uint256 id = _register(owner, TASK_DATA);
        vm.expectRevert(abi.encodeWithSelector(IDataRegistry.NotDataSetOwner.selector, id, stranger));
        vm.prank(stranger);
        data.transferOwnership(id, stranger);
    }

    function test_transferOwnership_revertsOnZeroOwnerOrUnknownDataSet() public {
        uint256 id = _register(owner, TASK_DATA);
        vm.startPrank(owner);
        vm.expectRevert(IDataRegistry.ZeroAddress.selector);
        data.transferOwnership(id, address(0));
        vm.expectRevert(abi.encodeWithSelector(IDataRegistry.UnknownDataSet.selector, 2));
        data.transferOwnership(2, heir);
        vm.stopPrank();
    }

    // ---------------------------------------------------------------- views

    /// Unknown ids and hashes read as zero, never revert.
    function testFuzz_views_unknownReadsAsZero(uint256 id, bytes32 contentHash) public {
        _register(owner, TASK_DATA);
        vm.assume(id != 1 && contentHash != TASK_DATA);
        assertEq(data.dataSet(id).owner, address(0));
        assertEq(data.dataSet(id).manifestCid.length, 0);
        assertEq(data.dataSetOf(contentHash), 0);
        assertEq(data.taskDataSet(id), 0);
    }

    // ---------------------------------------------------------------- cite

    function test_cite_recordsTheTasksDataSetAndEmits() public {
        uint256 id = _register(owner, TASK_DATA);
        uint256 taskId = _createTask(_params());
        vm.expectEmit(address(data));
        emit IDataRegistry.DataSetCited(taskId, id, TASK_DATA, true);
        vm.prank(creator);
        data.cite(taskId, id, _genesisData(_params()));
        assertEq(data.taskDataSet(taskId), id);
        // The genesis version belongs to the task's model: it cites the data set too.
        uint256 genesis = registry.getModel(tm.getTask(taskId).modelId).head;
        assertEq(data.versionDataSet(genesis), id);
    }

    function test_cite_anyOwnerMayBeCitedNotOnlyTheCreators() public {
        uint256 id = _register(stranger, TASK_DATA);
        uint256 taskId = _createTask(_params());
        vm.prank(creator);
        data.cite(taskId, id, _genesisData(_params()));
        assertEq(data.taskDataSet(taskId), id);
    }

    function test_cite_revertsWhenTheDataIsNotTheTasks() public {
        uint256 id = _register(owner, keccak256("other data"));
        uint256 taskId = _createTask(_params());
        vm.expectRevert(
            abi.encodeWithSelector(IDataRegistry.DataHashMismatch.selector, taskId, TASK_DATA, keccak256("other data"))
        );
        vm.prank(creator);
        data.cite(taskId, id, _genesisData(_params()));
    }

    function test_cite_uncheckedWhenTheTaskRecordsNoDataHash() public {
        uint256 id = _register(owner, keccak256("other data"));
        ITaskManager.TaskParams memory p = _params();
        p.initialDataHash = bytes32(0);
        uint256 taskId = _createTask(p);
        vm.expectEmit(address(data));
        emit IDataRegistry.DataSetCited(taskId, id, keccak256("other data"), false);
        vm.prank(creator);
        data.cite(taskId, id, _genesisData(p));
    }

    /// The genesis content the creator gives is checked against the registry's hash: claiming
    /// another data hash (or none, which would skip the check) is refused.
    function test_attack_cite_revertsWhenTheGenesisContentIsForged() public {
        uint256 id = _register(owner, keccak256("other data"));
        uint256 taskId = _createTask(_params());
        uint256 genesis = registry.getModel(tm.getTask(taskId).modelId).head;
        bytes32 stored = registry.getVersion(genesis).contentHash;
        IModelRegistry.VersionData memory forged = _genesisData(_params());
        bytes32[2] memory claims = [keccak256("other data"), bytes32(0)];
        for (uint256 i = 0; i < claims.length; ++i) {
            forged.dataHash = claims[i];
            vm.expectRevert(
                abi.encodeWithSelector(
                    IModelRegistry.VersionDataMismatch.selector, genesis, stored, keccak256(abi.encode(forged))
                )
            );
            vm.prank(creator);
            data.cite(taskId, id, forged);
        }
    }

    function test_cite_revertsOnUnknownDataSetOrTask() public {
        uint256 taskId = _createTask(_params());
        vm.expectRevert(abi.encodeWithSelector(IDataRegistry.UnknownDataSet.selector, 1));
        vm.prank(creator);
        data.cite(taskId, 1, _genesisData(_params()));
        uint256 id = _register(owner, TASK_DATA);
        vm.expectRevert(abi.encodeWithSelector(IDataRegistry.UnknownTask.selector, 9));
        vm.prank(creator);
        data.cite(9, id, _genesisData(_params()));
    }

    function test_cite_revertsForAnyoneButTheCreator() public {
        uint256 id = _register(owner, TASK_DATA);
        uint256 taskId = _createTask(_params());
        vm.expectRevert(abi.encodeWithSelector(IDataRegistry.NotTaskCreator.selector, taskId, owner));
        vm.prank(owner);
        data.cite(taskId, id, _genesisData(_params()));
    }

    function test_cite_revertsOnceCited() public {
        uint256 id = _register(owner, TASK_DATA);
        uint256 taskId = _createTask(_params());
        vm.startPrank(creator);
        data.cite(taskId, id, _genesisData(_params()));
        vm.expectRevert(abi.encodeWithSelector(IDataRegistry.AlreadyCited.selector, taskId, id));
        data.cite(taskId, id, _genesisData(_params()));
        vm.stopPrank();
    }

    function test_cite_revertsAfterTheJoinDeadline() public {
        uint256 id = _register(owner, TASK_DATA);
        ITaskManager.TaskParams memory p = _params();
        uint256 taskId = _createTask(p);
        vm.warp(block.timestamp + p.joinWindow);
        vm.expectRevert(abi.encodeWithSelector(IDataRegistry.TaskNotJoining.selector, taskId));
        vm.prank(creator);
        data.cite(taskId, id, _genesisData(_params()));
    }

    function test_cite_revertsOnceTheTaskRunsOrIsCancelled() public {
        uint256 id = _register(owner, TASK_DATA);
        uint256 running = _startTask(_params(), 3);
        vm.expectRevert(abi.encodeWithSelector(IDataRegistry.TaskNotJoining.selector, running));
        vm.prank(creator);
        data.cite(running, id, _genesisData(_params()));
        uint256 cancelled = _createTask(_params());
        vm.startPrank(creator);
        tm.cancel(cancelled);
        vm.expectRevert(abi.encodeWithSelector(IDataRegistry.TaskNotJoining.selector, cancelled));
        data.cite(cancelled, id, _genesisData(_params()));
        vm.stopPrank();
    }

    /// A round's version points to the data set its task cites; a model no task trains, none.
    function test_versionDataSet_followsTheVersionsTask() public {
        uint256 id = _register(owner, TASK_DATA);
        ITaskManager.TaskParams memory p = _params();
        uint256 taskId = _createTask(p);
        vm.prank(creator);
        data.cite(taskId, id, _genesisData(_params()));
        for (uint256 i = 0; i < 3; ++i) {
            _stakeAndJoin(taskId, _provider(i));
        }
        vm.warp(block.timestamp + p.joinWindow);
        _advance(taskId);
        _runRound(taskId, 0, p.shards);
        uint256 genesis = registry.getModel(tm.getTask(taskId).modelId).head;
        address aggregator = _roundWinners(taskId, 0, p.shards)[0];
        uint256 versionId = _proposeVersion(taskId, 0, genesis, aggregator, keccak256("v1"));
        assertEq(data.versionDataSet(versionId), id);

        vm.prank(stranger);
        (, uint256 own) =
            registry.createModel(IModelRegistry.VersionData(hex"0155", keccak256("w"), 0, TASK_DATA, 0, 0));
        assertEq(data.versionDataSet(own), 0, "a model outside any task cites nothing");
        assertEq(data.versionDataSet(999), 0);
    }
}
