// SPDX-License-Identifier: Apache-2.0
// Contracts for nkwatch's laundering scenario on a local anvil node. They are small but
// move value the way real services do: ERC-20 Transfer logs, internal (trace-only) ETH
// transfers, failed subcalls that move nothing, and deposit addresses that sweep.
pragma solidity ^0.8.20;

interface IERC20 {
    function transfer(address to, uint256 value) external returns (bool);
    function transferFrom(address from, address to, uint256 value) external returns (bool);
    function balanceOf(address who) external view returns (uint256);
}

/// A plain ERC-20 with metadata (name, symbol, decimals).
contract ScenarioToken {
    string public name;
    string public symbol;
    uint8 public immutable decimals;
    uint256 public totalSupply;
    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => uint256)) public allowance;

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);

    constructor(string memory name_, string memory symbol_, uint8 decimals_, uint256 supply) {
        name = name_;
        symbol = symbol_;
        decimals = decimals_;
        totalSupply = supply;
        balanceOf[msg.sender] = supply;
        emit Transfer(address(0), msg.sender, supply);
    }

    function transfer(address to, uint256 value) external returns (bool) {
        _move(msg.sender, to, value);
        return true;
    }

    function approve(address spender, uint256 value) external returns (bool) {
        allowance[msg.sender][spender] = value;
        emit Approval(msg.sender, spender, value);
        return true;
    }

    function transferFrom(address from, address to, uint256 value) external returns (bool) {
        uint256 allowed = allowance[from][msg.sender];
        require(allowed >= value, "allowance");
        allowance[from][msg.sender] = allowed - value;
        _move(from, to, value);
        return true;
    }

    function _move(address from, address to, uint256 value) private {
        require(balanceOf[from] >= value, "balance");
        balanceOf[from] -= value;
        balanceOf[to] += value;
        emit Transfer(from, to, value);
    }
}

/// An ERC-20-shaped token that publishes no metadata: tracers must flag it, not guess 18.
contract BareToken {
    mapping(address => uint256) public balanceOf;

    event Transfer(address indexed from, address indexed to, uint256 value);

    constructor(uint256 supply) {
        balanceOf[msg.sender] = supply;
        emit Transfer(address(0), msg.sender, supply);
    }

    function transfer(address to, uint256 value) external returns (bool) {
        require(balanceOf[msg.sender] >= value, "balance");
        balanceOf[msg.sender] -= value;
        balanceOf[to] += value;
        emit Transfer(msg.sender, to, value);
        return true;
    }
}

/// The victim: an exchange hot wallet whose owner key is compromised.
contract HotVault {
    address public immutable owner;

    constructor() payable {
        owner = msg.sender;
    }

    receive() external payable {}

    function withdraw(address payable to, uint256 amount) external {
        require(msg.sender == owner, "owner");
        (bool ok, ) = to.call{value: amount}("");
        require(ok, "send");
    }

    function withdrawToken(address token, address to, uint256 amount) external {
        require(msg.sender == owner, "owner");
        require(IERC20(token).transfer(to, amount), "token");
    }
}

/// Splits ETH to many recipients; a recipient that rejects leaves its share to be refunded.
/// The rejected subcall is a failed CALL in the trace: it must move nothing.
contract Splitter {
    function split(address payable[] calldata to, uint256[] calldata amounts) external payable {
        require(to.length == amounts.length, "length");
        for (uint256 i = 0; i < to.length; i++) {
            (bool ok, ) = to[i].call{value: amounts[i]}("");
            ok; // a failed share stays here and is refunded below
        }
        uint256 rest = address(this).balance;
        if (rest > 0) {
            (bool back, ) = payable(msg.sender).call{value: rest}("");
            require(back, "refund");
        }
    }
}

/// A contract that refuses ETH.
contract Rejecter {
    receive() external payable {
        revert("no ETH");
    }
}

/// A fixed-denomination mixer pool: deposit with a commitment, withdraw anywhere with the secret.
contract FixedPool {
    uint256 public immutable denomination;
    mapping(bytes32 => bool) public commitments;
    mapping(bytes32 => bool) public spent;

    event Deposit(bytes32 indexed commitment);
    event Withdrawal(address to, bytes32 indexed commitment);

    constructor(uint256 denomination_) {
        denomination = denomination_;
    }

    function commitmentOf(bytes32 secret) public pure returns (bytes32) {
        return keccak256(abi.encodePacked(secret));
    }

    function deposit(bytes32 commitment) external payable {
        require(msg.value == denomination, "denomination");
        require(!commitments[commitment], "known");
        commitments[commitment] = true;
        emit Deposit(commitment);
    }

    function withdraw(bytes32 secret, address payable to) external {
        bytes32 c = commitmentOf(secret);
        require(commitments[c] && !spent[c], "note");
        spent[c] = true;
        (bool ok, ) = to.call{value: denomination}("");
        require(ok, "send");
        emit Withdrawal(to, c);
    }
}

/// Token <-> ETH at a fixed rate (ethOut = tokens * num / den), like an OTC desk or a thin DEX pool.
contract FixedRateSwap {
    IERC20 public immutable token;
    uint256 public immutable num;
    uint256 public immutable den;

    constructor(address token_, uint256 num_, uint256 den_) payable {
        token = IERC20(token_);
        num = num_;
        den = den_;
    }

    receive() external payable {}

    function sellToken(uint256 amount) external {
        require(token.transferFrom(msg.sender, address(this), amount), "pull");
        (bool ok, ) = payable(msg.sender).call{value: (amount * num) / den}("");
        require(ok, "pay");
    }

    function buyToken() external payable {
        require(token.transfer(msg.sender, (msg.value * den) / num), "pay");
    }
}

/// An exchange's per-user deposit address; anyone may sweep it to the exchange's hot wallet.
contract DepositForwarder {
    address payable public immutable hot;

    constructor(address payable hot_) {
        hot = hot_;
    }

    receive() external payable {}

    function sweep() external {
        (bool ok, ) = hot.call{value: address(this).balance}("");
        require(ok, "sweep");
    }

    function sweepToken(address token) external {
        IERC20 t = IERC20(token);
        require(t.transfer(hot, t.balanceOf(address(this))), "sweep token");
    }
}
