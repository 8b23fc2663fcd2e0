// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ITaskManager} from "../../src/interfaces/ITaskManager.sol";
import {ProtocolFixture} from "../utils/ProtocolFixture.sol";

/// @notice Finding 14, resources without limits: nothing on chain said what a task asks of a
/// volunteer's machine, so a creator could publish a model that exhausts memory or GPU, and no
/// client could rank tasks by pay per hour without fetching every spec. A task now declares its
/// model size, compute and activation memory per result, within protocol bounds, snapshotted at
/// creation; clients refuse a spec that needs more than its task declares.
contract UnboundedResourcesTest is ProtocolFixture {
    function setUp() public {
        _deploy();
    }

    function test_createTask_revertsWhenTheModelIsBeyondTheBound() public {
        ITaskManager.TaskParams memory p = _params();
        p.parameters = uint32(tm.MAX_PARAMETERS() + 1);
        _expectInvalidParameter(p, "parameters");
    }

    function test_createTask_revertsWhenAResultNeedsMoreComputeThanTheBound() public {
        ITaskManager.TaskParams memory p = _params();
        p.trainMflop = uint32(tm.MAX_TRAIN_MFLOP() + 1);
        _expectInvalidParameter(p, "trainMflop");
    }

    function test_createTask_revertsWhenActivationsNeedMoreMemoryThanTheBound() public {
        ITaskManager.TaskParams memory p = _params();
        p.activationKib = type(uint32).max;
        _expectInvalidParameter(p, "activationKib");
    }

    function test_createTask_revertsWhenAResourceIsNotDeclared() public {
        ITaskManager.TaskParams memory p = _params();
        p.parameters = 0;
        _expectInvalidParameter(p, "parameters");
        p = _params();
        p.trainMflop = 0;
        _expectInvalidParameter(p, "trainMflop");
        p = _params();
        p.activationKib = 0;
        _expectInvalidParameter(p, "activationKib");
    }

    function test_createTask_snapshotsTheDeclaredResources() public {
        ITaskManager.TaskParams memory p = _params();
        p.parameters = uint32(tm.MAX_PARAMETERS());
        p.trainMflop = uint32(tm.MAX_TRAIN_MFLOP());
        p.activationKib = uint32(tm.MAX_ACTIVATION_KIB());
        uint256 taskId = _createTask(p);
        ITaskManager.Task memory t = tm.getTask(taskId);
        assertEq(t.parameters, p.parameters);
        assertEq(t.trainMflop, p.trainMflop);
        assertEq(t.activationKib, p.activationKib);
    }
}
