// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ITaskManager} from "../../src/interfaces/ITaskManager.sol";
import {ProtocolFixture} from "../utils/ProtocolFixture.sol";

/// @notice First come, every place: a task has MAX_PROVIDERS places and joining went first come,
/// so Sybils that joined first with a minority of the stake that wanted in held every place: every
/// round's winners were theirs (any model installed), or they stepped away before round 0 and the
/// task was cancelled, at the price of their stake's time. Now whoever joins once the places are
/// taken applies, with the same stake locked, and after the joining window a draw from a later
/// block's hash keeps MAX_PROVIDERS of all who joined, each as likely as any other.
contract FirstComePlacesTest is ProtocolFixture {
    uint256 internal taskId;
    uint256 internal places;

    function setUp() public {
        _deploy();
        taskId = _createTask(_params());
        places = tm.MAX_PROVIDERS();
        // The Sybils come first and take every place; as many honest volunteers come after.
        for (uint256 i = 0; i < places; ++i) {
            _stakeAndJoin(taskId, _sybil(i));
        }
        for (uint256 i = 0; i < places; ++i) {
            _stakeAndJoin(taskId, _honest(i));
        }
        vm.warp(block.timestamp + _params().joinWindow);
    }

    function _sybil(uint256 i) internal pure returns (address) {
        return address(uint160(0x5b1100000 + i));
    }

    function _honest(uint256 i) internal pure returns (address) {
        return address(uint160(0x40e5700000 + i));
    }

    /// Half of those who joined were honest: the draw leaves the Sybils about half of the places.
    function test_attack_sybilsThatCameFirstHoldOnlyTheirShareOfThePlaces() public {
        _drawPlaces();
        uint256 sybils;
        for (uint256 i = 0; i < places; ++i) {
            if (tm.isProvider(taskId, _sybil(i))) ++sybils;
        }
        // Binomial-like around 127.5, standard deviation about 5.7: far from every place.
        assertGt(sybils, 95, "the Sybils keep their share");
        assertLt(sybils, 160, "and no more");
        assertEq(tm.providersOf(taskId).length, places);
    }

    /// The Sybils step away before round 0: the task starts with the honest volunteers drawn.
    function test_attack_sybilsSteppingAwayNoLongerCancelTheTask() public {
        for (uint256 i = 0; i < places; ++i) {
            vm.prank(_sybil(i));
            tm.stepAway(taskId);
        }
        _drawPlaces();
        assertEq(uint8(tm.getTask(taskId).status), uint8(ITaskManager.TaskStatus.Running));
    }

    function _drawPlaces() internal {
        tm.advance(taskId);
        vm.roll(block.number + 1);
        tm.advance(taskId);
    }
}
