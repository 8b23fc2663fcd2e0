// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {Script} from "forge-std/Script.sol";
import {ConsensusVerifier} from "../src/ConsensusVerifier.sol";
import {MLBToken} from "../src/MLBToken.sol";
import {ModelRegistry} from "../src/ModelRegistry.sol";
import {RewardDistributor} from "../src/RewardDistributor.sol";
import {TaskManager} from "../src/TaskManager.sol";

/// @title Deploy
/// @notice Deploys the ML Bridge contracts and wires their roles. The caller picks the signer, for
/// example `forge script script/Deploy.s.sol --rpc-url http://127.0.0.1:8545 --broadcast --private-key 0x...`;
/// the deployed addresses end up in `broadcast/Deploy.s.sol/<chainId>/run-latest.json`.
/// @dev Roles after deployment: the TaskManager holds ESCROW_ROLE in the distributor and
/// TASK_MANAGER_ROLE in the registry; the ConsensusVerifier holds SETTLER_ROLE and SLASHER_ROLE in
/// the distributor and is the TaskManager's verifier (set once); the deployer keeps the admin roles,
/// GOVERNANCE_ROLE in the registry and REFEREE_ROLE in the verifier (hand them to a multisig and a
/// referee service on a public network).
contract Deploy is Script {
    /// @notice Supply minted to the deployer: 100 million MLB.
    uint256 public constant INITIAL_SUPPLY = 100_000_000e18;
    /// @notice Unbonding delay on the local chain (short, so tests and demos can unstake).
    uint64 public constant LOCAL_UNBONDING_DELAY = 60;
    /// @notice Unbonding delay elsewhere.
    uint64 public constant UNBONDING_DELAY = 7 days;

    /// @notice The deployed contracts.
    struct Deployment {
        address admin;
        MLBToken token;
        RewardDistributor distributor;
        ModelRegistry registry;
        TaskManager taskManager;
        ConsensusVerifier verifier;
    }

    /// @notice Deploys every contract from the broadcasting account and wires the roles.
    /// @return d The deployed contracts.
    function run() external returns (Deployment memory d) {
        vm.startBroadcast();
        // The broadcasting account: the signer given on the command line (forge's default sender
        // when run in-process by a test).
        (, address admin,) = vm.readCallers();
        uint64 delay = block.chainid == 31_337 ? LOCAL_UNBONDING_DELAY : UNBONDING_DELAY;
        d.admin = admin;
        d.token = new MLBToken(admin, INITIAL_SUPPLY);
        d.distributor = new RewardDistributor(d.token, delay, admin);
        d.registry = new ModelRegistry(admin);
        d.taskManager = new TaskManager(d.distributor, d.registry, admin);
        d.verifier = new ConsensusVerifier(d.taskManager, d.distributor, admin);

        d.distributor.grantRole(d.distributor.ESCROW_ROLE(), address(d.taskManager));
        d.distributor.grantRole(d.distributor.SETTLER_ROLE(), address(d.verifier));
        d.distributor.grantRole(d.distributor.SLASHER_ROLE(), address(d.verifier));
        d.registry.grantRole(d.registry.TASK_MANAGER_ROLE(), address(d.taskManager));
        d.registry.setTaskManager(d.taskManager);
        d.taskManager.setVerifier(d.verifier);
        d.verifier.grantRole(d.verifier.REFEREE_ROLE(), admin);
        vm.stopBroadcast();
    }
}
