// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {Script} from "forge-std/Script.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {ConsensusVerifier} from "../src/ConsensusVerifier.sol";
import {DataRegistry} from "../src/DataRegistry.sol";
import {MLBToken} from "../src/MLBToken.sol";
import {ModelRegistry} from "../src/ModelRegistry.sol";
import {ResultChallenges} from "../src/ResultChallenges.sol";
import {RewardDistributor} from "../src/RewardDistributor.sol";
import {TaskManager} from "../src/TaskManager.sol";

/// @title Deploy
/// @notice Deploys the ML Bridge contracts and wires their roles. The caller picks the signer, for
/// example `forge script script/Deploy.s.sol --rpc-url http://127.0.0.1:8545 --broadcast --private-key 0x...`;
/// the deployed addresses end up in `broadcast/Deploy.s.sol/<chainId>/run-latest.json`.
/// @dev Roles after deployment: the TaskManager holds ESCROW_ROLE in the distributor and
/// TASK_MANAGER_ROLE in the registry; the ConsensusVerifier holds SETTLER_ROLE and SLASHER_ROLE in
/// the distributor and is the TaskManager's verifier (set once); the ModelRegistry holds BOND_ROLE
/// (challenge bonds) and SLASHER_ROLE (equivocations); ResultChallenges holds BOND_ROLE (its bonds)
/// and the verifier's REFEREE_ROLE (to slash an upheld challenge's result). The DataRegistry holds
/// no role and needs none: it reads tasks and genesis versions to check citations. Governance (the admin roles of
/// every contract and GOVERNANCE_ROLE in the registry) is a TimelockController whose only proposer
/// is `MLB_GOVERNOR`; REFEREE_ROLE goes to `MLB_REFEREE` and the TaskManager's PAUSER_ROLE to
/// `MLB_PAUSER`, and the distributor's APPEAL_ROLE (overturning a slash during its appeal delay)
/// to `MLB_APPEALS` if set, else to the timelock (on the local chain, to the governor directly).
/// The deployer keeps nothing. On the local chain the first three default to anvil's accounts 9, 8
/// and 7; elsewhere they must be set.
contract Deploy is Script {
    /// @notice Supply minted to the deployer: 100 million MLB.
    uint256 public constant INITIAL_SUPPLY = 100_000_000e18;
    /// @notice Unbonding delay on the local chain (short, so tests and demos can unstake).
    uint64 public constant LOCAL_UNBONDING_DELAY = 60;
    /// @notice Unbonding delay elsewhere.
    uint64 public constant UNBONDING_DELAY = 7 days;
    /// @notice Governance delay on the local chain.
    uint256 public constant LOCAL_TIMELOCK_DELAY = 60;
    /// @notice Governance delay elsewhere.
    uint256 public constant TIMELOCK_DELAY = 2 days;
    /// @notice Appeal delay of a slash on the local chain (short, so a demo sees it take effect).
    uint64 public constant LOCAL_APPEAL_DELAY = 60;
    /// @notice Appeal delay elsewhere: longer than the governance delay, so a timelocked appeal fits.
    uint64 public constant APPEAL_DELAY = 3 days;
    /// @notice anvil's account 9, the local governor.
    address public constant LOCAL_GOVERNOR = 0xa0Ee7A142d267C1f36714E4a8F75612F20a79720;
    /// @notice anvil's account 7, the local pauser.
    address public constant LOCAL_PAUSER = 0x14dC79964da2C08b23698B3D3cc7Ca32193d9955;
    /// @notice anvil's account 8, the local referee.
    address public constant LOCAL_REFEREE = 0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f;

    /// @notice The deployed contracts.
    struct Deployment {
        address admin;
        address governor;
        address referee;
        address pauser;
        address appeals;
        TimelockController timelock;
        MLBToken token;
        RewardDistributor distributor;
        ModelRegistry registry;
        TaskManager taskManager;
        ConsensusVerifier verifier;
        ResultChallenges challenges;
        DataRegistry dataRegistry;
    }

    /// @notice Deploys every contract from the broadcasting account and wires the roles.
    /// @return d The deployed contracts.
    function run() external returns (Deployment memory d) {
        bool local = block.chainid == 31_337;
        d.governor = local ? vm.envOr("MLB_GOVERNOR", LOCAL_GOVERNOR) : vm.envAddress("MLB_GOVERNOR");
        d.referee = local ? vm.envOr("MLB_REFEREE", LOCAL_REFEREE) : vm.envAddress("MLB_REFEREE");
        d.pauser = local ? vm.envOr("MLB_PAUSER", LOCAL_PAUSER) : vm.envAddress("MLB_PAUSER");
        // Appeals go to governance unless an appeals key (a second referee) is named.
        d.appeals = vm.envOr("MLB_APPEALS", address(0));
        vm.startBroadcast();
        // The broadcasting account: the signer given on the command line (forge's default sender
        // when run in-process by a test).
        (, address admin,) = vm.readCallers();
        uint64 delay = local ? LOCAL_UNBONDING_DELAY : UNBONDING_DELAY;
        d.admin = admin;
        address[] memory proposers = new address[](1);
        proposers[0] = d.governor;
        address[] memory executors = new address[](1); // address(0): anyone executes once the delay passed
        d.timelock =
            new TimelockController(local ? LOCAL_TIMELOCK_DELAY : TIMELOCK_DELAY, proposers, executors, address(0));
        d.token = new MLBToken(admin, INITIAL_SUPPLY);
        d.distributor = new RewardDistributor(d.token, delay, local ? LOCAL_APPEAL_DELAY : APPEAL_DELAY, admin);
        d.registry = new ModelRegistry(admin);
        d.taskManager = new TaskManager(d.distributor, d.registry, admin);
        d.verifier = new ConsensusVerifier(d.taskManager, d.distributor, admin);
        d.challenges = new ResultChallenges(d.verifier, d.taskManager, admin);
        d.dataRegistry = new DataRegistry(d.taskManager, d.registry);

        d.distributor.grantRole(d.distributor.ESCROW_ROLE(), address(d.taskManager));
        d.distributor.grantRole(d.distributor.SETTLER_ROLE(), address(d.verifier));
        d.distributor.grantRole(d.distributor.SLASHER_ROLE(), address(d.verifier));
        d.distributor.grantRole(d.distributor.SLASHER_ROLE(), address(d.registry));
        d.registry.grantRole(d.registry.TASK_MANAGER_ROLE(), address(d.taskManager));
        d.registry.setTaskManager(d.taskManager);
        d.taskManager.setVerifier(d.verifier);
        d.verifier.grantRole(d.verifier.REFEREE_ROLE(), d.referee);
        d.registry.grantRole(d.registry.REFEREE_ROLE(), d.referee);
        d.taskManager.grantRole(d.taskManager.PAUSER_ROLE(), d.pauser);
        d.distributor.grantRole(d.distributor.BOND_ROLE(), address(d.registry));
        d.distributor.grantRole(d.distributor.BOND_ROLE(), address(d.challenges));
        // To slash the result of an upheld challenge; it calls nothing else of the verifier's.
        d.verifier.grantRole(d.verifier.REFEREE_ROLE(), address(d.challenges));
        d.challenges.grantRole(d.challenges.REFEREE_ROLE(), d.referee);
        d.registry.grantRole(d.registry.GOVERNANCE_ROLE(), address(d.timelock));
        if (d.appeals == address(0)) d.appeals = local ? d.governor : address(d.timelock);
        d.distributor.grantRole(d.distributor.APPEAL_ROLE(), d.appeals);
        d.registry.renounceRole(d.registry.GOVERNANCE_ROLE(), admin);
        _handOver(d.distributor, address(d.timelock), admin);
        _handOver(d.registry, address(d.timelock), admin);
        _handOver(d.taskManager, address(d.timelock), admin);
        _handOver(d.verifier, address(d.timelock), admin);
        _handOver(d.challenges, address(d.timelock), admin);
        vm.stopBroadcast();
    }

    function _handOver(AccessControl target, address timelock, address admin) private {
        target.grantRole(target.DEFAULT_ADMIN_ROLE(), timelock);
        target.renounceRole(target.DEFAULT_ADMIN_ROLE(), admin);
    }
}
