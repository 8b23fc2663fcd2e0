// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {Test} from "forge-std/Test.sol";
import {Deploy} from "../script/Deploy.s.sol";
import {MLBToken} from "../src/MLBToken.sol";

/// @dev Runs the deployment script in-process, so a broken script fails `forge test` long before
/// `npm start` tries it against anvil.
contract DeployTest is Test {
    function test_run_deploysTokenWithSupplyToBroadcaster() public {
        Deploy script = new Deploy();
        MLBToken token = script.run();

        // The script mints to its caller; under `forge script --private-key` that is the signer.
        assertEq(token.totalSupply(), script.INITIAL_SUPPLY());
        assertEq(token.balanceOf(address(this)), script.INITIAL_SUPPLY());
        assertEq(token.symbol(), "MLB");
    }
}
