// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {Test} from "forge-std/Test.sol";
import {Deploy} from "../script/Deploy.s.sol";

/// @dev Runs the deployment script in-process, so a broken script fails `forge test` long before
/// `npm start` tries it against anvil.
contract DeployTest is Test {
    function test_run_deploysTokenWithSupplyToBroadcaster() public {
        Deploy script = new Deploy();
        Deploy.Deployment memory d = script.run();

        // The script mints to the broadcaster; under `forge script --private-key` that is the signer.
        assertEq(d.token.totalSupply(), script.INITIAL_SUPPLY());
        assertEq(d.token.balanceOf(d.admin), script.INITIAL_SUPPLY());
        assertEq(d.token.symbol(), "MLB");
    }

    function test_run_wiresRolesBetweenContracts() public {
        vm.chainId(31_337);
        Deploy script = new Deploy();
        Deploy.Deployment memory d = script.run();

        assertTrue(d.distributor.hasRole(d.distributor.ESCROW_ROLE(), address(d.taskManager)));
        assertTrue(d.distributor.hasRole(d.distributor.SETTLER_ROLE(), address(d.verifier)));
        assertTrue(d.distributor.hasRole(d.distributor.SLASHER_ROLE(), address(d.verifier)));
        assertTrue(d.registry.hasRole(d.registry.TASK_MANAGER_ROLE(), address(d.taskManager)));
        assertTrue(d.verifier.hasRole(d.verifier.REFEREE_ROLE(), d.referee));
        assertTrue(d.challenges.hasRole(d.challenges.REFEREE_ROLE(), d.referee));
        assertTrue(d.verifier.hasRole(d.verifier.REFEREE_ROLE(), address(d.challenges)));
        assertTrue(d.distributor.hasRole(d.distributor.BOND_ROLE(), address(d.challenges)));
        assertEq(address(d.challenges.verifier()), address(d.verifier));
        assertTrue(d.registry.hasRole(d.registry.GOVERNANCE_ROLE(), address(d.timelock)));
        assertEq(address(d.taskManager.verifier()), address(d.verifier));
        assertEq(address(d.registry.taskManager()), address(d.taskManager));
        assertEq(address(d.verifier.taskManager()), address(d.taskManager));
        assertEq(address(d.taskManager.distributor()), address(d.distributor));
        assertEq(address(d.distributor.token()), address(d.token));
        assertEq(d.distributor.unbondingDelay(), script.LOCAL_UNBONDING_DELAY());
        assertEq(address(d.dataRegistry.taskManager()), address(d.taskManager));
        assertEq(address(d.dataRegistry.modelRegistry()), address(d.registry));
        // Nobody but the protocol contracts holds the protocol roles.
        assertFalse(d.distributor.hasRole(d.distributor.SETTLER_ROLE(), address(this)));
        assertFalse(d.distributor.hasRole(d.distributor.ESCROW_ROLE(), d.admin));
    }

    /// The local role keys are anvil's accounts 7, 8 and 9 (test mnemonic), whose keys the local
    /// stack and its tests hold: a local referee nobody can sign for would never settle a split.
    function test_run_localRolesAreAnvilAccountsWithKnownKeys() public {
        vm.chainId(31_337);
        Deploy script = new Deploy();
        assertEq(script.LOCAL_PAUSER(), vm.addr(0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356));
        assertEq(script.LOCAL_REFEREE(), vm.addr(0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97));
        assertEq(script.LOCAL_GOVERNOR(), vm.addr(0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6));
    }
}
