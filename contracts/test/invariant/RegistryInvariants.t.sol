// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {Test} from "forge-std/Test.sol";
import {ModelRegistry} from "../../src/ModelRegistry.sol";
import {IModelRegistry} from "../../src/interfaces/IModelRegistry.sol";

/// @dev Creates models, forks, merges and rolls back, keeping its own copy of the lineage graph.
contract RegistryHandler is Test {
    ModelRegistry public immutable registry;
    uint256[] internal modelIds;

    uint256 public ghostBadRollbacks;
    uint256 public ghostRollbacks;
    uint256 public ghostLineageErrors;
    mapping(uint256 versionId => uint256) public ghostParent;
    mapping(uint256 versionId => uint256) public ghostMergeParent;

    constructor(ModelRegistry registry_) {
        registry = registry_;
        _create(0);
    }

    function createModel(uint256 seed) external {
        _create(seed);
    }

    function fork(uint256 versionSeed) external {
        uint256 count = registry.versionCount();
        uint256 v = bound(versionSeed, 1, count);
        uint256 id = registry.fork(v);
        modelIds.push(id);
        _checkHead(id);
    }

    function merge(uint256 modelSeed, uint256 versionSeed, uint256 seed) external {
        uint256 modelId = _model(modelSeed);
        uint256 other = bound(versionSeed, 1, registry.versionCount());
        uint256 head = registry.getModel(modelId).head;
        uint256 v = registry.merge(modelId, other, _data(seed));
        _record(v, head, other, _data(seed));
        _checkHead(modelId);
    }

    /// Rolls back along a random parent path of random length from the head.
    function rollback(uint256 modelSeed, uint256 pathSeed, uint256 lengthSeed) external {
        uint256 modelId = _model(modelSeed);
        uint256 current = registry.getModel(modelId).head;
        uint256[] memory path = new uint256[](bound(lengthSeed, 1, 6));
        uint256 len;
        for (; len < path.length; ++len) {
            IModelRegistry.Version memory v = registry.getVersion(current);
            uint256 next = v.mergeParent != 0 && (pathSeed >> len) & 1 == 1 ? v.mergeParent : v.parent;
            if (next == 0) break;
            path[len] = next;
            current = next;
        }
        if (len == 0) return;
        assembly ("memory-safe") {
            mstore(path, len)
        }
        uint256 from = registry.getModel(modelId).head;
        registry.rollback(modelId, path);
        ghostRollbacks++;
        // The new head is the end of a chain of parent links from the old head, by the handler's
        // own record of which versions it created with which parents.
        uint256 step = from;
        for (uint256 i = 0; i < len; ++i) {
            if (!_isParent(path[i], step)) ghostBadRollbacks++;
            step = path[i];
        }
        if (registry.getModel(modelId).head != step || step >= from) ghostBadRollbacks++;
        _checkHead(modelId);
    }

    /// Tries to roll back to an arbitrary version given as a one-step path: only a parent works.
    function rollbackAnywhere(uint256 modelSeed, uint256 versionSeed) external {
        uint256 modelId = _model(modelSeed);
        uint256 from = registry.getModel(modelId).head;
        uint256[] memory path = new uint256[](1);
        path[0] = bound(versionSeed, 0, registry.versionCount() + 1);
        try registry.rollback(modelId, path) {
            if (!_isParent(path[0], from)) ghostBadRollbacks++;
            _checkHead(modelId);
        } catch {}
    }

    function modelCount() external view returns (uint256) {
        return modelIds.length;
    }

    function modelAt(uint256 i) external view returns (uint256) {
        return modelIds[i];
    }

    function _isParent(uint256 parent, uint256 child) internal view returns (bool) {
        return parent != 0 && (ghostParent[child] == parent || ghostMergeParent[child] == parent);
    }

    function _record(uint256 versionId, uint256 parent, uint256 mergeParent, IModelRegistry.VersionData memory data)
        internal
    {
        ghostParent[versionId] = parent;
        ghostMergeParent[versionId] = mergeParent;
        IModelRegistry.Version memory v = registry.getVersion(versionId);
        // Registered facts match what was asked, and every parent is older than its child.
        if (v.parent != parent || v.mergeParent != mergeParent) ghostLineageErrors++;
        if (v.contentHash != keccak256(abi.encode(data))) ghostLineageErrors++;
        if (parent >= versionId || mergeParent >= versionId) ghostLineageErrors++;
    }

    function _checkHead(uint256 modelId) internal {
        uint256 head = registry.getModel(modelId).head;
        if (registry.getVersion(head).status != IModelRegistry.VersionStatus.Final) ghostLineageErrors++;
    }

    function _create(uint256 seed) internal {
        (uint256 id, uint256 v) = registry.createModel(_data(seed));
        modelIds.push(id);
        _record(v, 0, 0, _data(seed));
    }

    function _model(uint256 seed) internal view returns (uint256) {
        return modelIds[bound(seed, 0, modelIds.length - 1)];
    }

    function _data(uint256 seed) internal pure returns (IModelRegistry.VersionData memory d) {
        d.modelCid = abi.encodePacked(hex"01551220", keccak256(abi.encode(seed)));
        d.commitHash = keccak256(abi.encode("w", seed));
    }
}

contract RegistryInvariantTest is Test {
    ModelRegistry internal registry;
    RegistryHandler internal handler;

    function setUp() public {
        registry = new ModelRegistry(makeAddr("admin"));
        handler = new RegistryHandler(registry);
        targetContract(address(handler));
        bytes4[] memory selectors = new bytes4[](5);
        selectors[0] = RegistryHandler.createModel.selector;
        selectors[1] = RegistryHandler.fork.selector;
        selectors[2] = RegistryHandler.merge.selector;
        selectors[3] = RegistryHandler.rollback.selector;
        selectors[4] = RegistryHandler.rollbackAnywhere.selector;
        targetSelector(FuzzSelector({addr: address(handler), selectors: selectors}));
    }

    /// Lineage is acyclic (every parent is older than its child), heads are final versions, and
    /// rollback only ever moves a head to one of its ancestors.
    function invariant_lineageAcyclicAndRollbackToAncestors() public view {
        assertEq(handler.ghostBadRollbacks(), 0, "rollback to a non-ancestor");
        assertEq(handler.ghostLineageErrors(), 0, "lineage facts or heads wrong");
        uint256 count = registry.versionCount();
        // Spot-check the newest stored versions directly as well.
        for (uint256 v = count > 4 ? count - 4 : 1; v <= count; ++v) {
            IModelRegistry.Version memory version = registry.getVersion(v);
            assertLt(version.parent, v, "parent not older");
            assertLt(version.mergeParent, v, "merge parent not older");
        }
    }
}
