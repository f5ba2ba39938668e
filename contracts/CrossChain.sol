// SPDX-License-Identifier: Apache-2.0
// Contracts for nkwatch's cross-chain laundering scenario: a THORChain-style router that
// emits the real Deposit/TransferOut event signatures, and a Uniswap-V2-style constant
// product pair between an ERC-20 and the native coin that emits the real V2 Swap event.
pragma solidity ^0.8.20;

interface IERC20Pull {
    function transferFrom(address from, address to, uint256 value) external returns (bool);
    function transfer(address to, uint256 value) external returns (bool);
}

/// THORChain-style router: an inbound pays the vault and says where to swap to in its memo;
/// the vault's outbound (or refund) goes through transferOut with memo OUT:/REFUND:<inbound>.
contract ThorRouter {
    event Deposit(address indexed to, address indexed asset, uint256 amount, string memo);
    event TransferOut(
        address indexed vault, address indexed to, address asset, uint256 amount, string memo
    );

    function depositWithExpiry(
        address payable vault, address asset, uint256 amount, string calldata memo, uint256 expiration
    ) external payable {
        require(block.timestamp < expiration, "expired");
        if (asset == address(0)) {
            require(msg.value == amount, "value");
            (bool ok, ) = vault.call{value: amount}("");
            require(ok, "vault");
        } else {
            require(msg.value == 0, "no value with tokens");
            require(IERC20Pull(asset).transferFrom(msg.sender, address(this), amount), "pull");
        }
        emit Deposit(vault, asset, amount, memo);
    }

    function transferOut(address payable to, address asset, uint256 amount, string calldata memo)
        external
        payable
    {
        if (asset == address(0)) {
            require(msg.value == amount, "value");
            (bool ok, ) = to.call{value: amount}("");
            require(ok, "pay");
        } else {
            require(IERC20Pull(asset).transfer(to, amount), "pay");
        }
        emit TransferOut(msg.sender, to, asset, amount, memo);
    }
}

/// Uniswap-V2-style pair: token0 is an ERC-20, token1 the native coin; x*y=k with a 0.3% fee.
contract PairV2 {
    IERC20Pull public immutable token0;
    uint256 public reserve0;
    uint256 public reserve1;

    event Swap(
        address indexed sender,
        uint256 amount0In,
        uint256 amount1In,
        uint256 amount0Out,
        uint256 amount1Out,
        address indexed to
    );

    constructor(address token0_) payable {
        token0 = IERC20Pull(token0_);
        reserve1 = msg.value;
    }

    function sync(uint256 reserve0_) external {
        reserve0 = reserve0_; // liquidity provider: tokens already transferred to the pair
    }

    function quote(uint256 amountIn) public view returns (uint256) {
        uint256 withFee = amountIn * 997;
        return (withFee * reserve1) / (reserve0 * 1000 + withFee);
    }

    /// Sell ``amountIn`` of token0 for the native coin, paid to ``to``.
    function swapTokenForNative(uint256 amountIn, uint256 minOut, address payable to) external {
        uint256 out = quote(amountIn);
        require(out >= minOut, "slippage");
        require(token0.transferFrom(msg.sender, address(this), amountIn), "pull");
        reserve0 += amountIn;
        reserve1 -= out;
        (bool ok, ) = to.call{value: out}("");
        require(ok, "pay");
        emit Swap(msg.sender, amountIn, 0, 0, out, to);
    }
}

/// A THORChain vault on the EVM side: an address that receives inbounds (any EOA would do).
contract VaultSink {
    receive() external payable {}

    function refund(ThorRouter router, address payable to, uint256 amount, string calldata memo) external {
        router.transferOut{value: amount}(to, address(0), amount, memo);
    }
}
