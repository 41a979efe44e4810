//! What every container fleet pays around its machines: public IPv4 addresses (an internet-facing load balancer
//! holds one per zone; each task or node that reaches the internet without a NAT gateway holds one) and the EBS
//! root volume of each node.

use crate::{LineItem, Prices, format, item};

/// Zones an internet-facing load balancer spans: an ALB needs subnets in at least two, and holds a public IPv4
/// address in each.
pub const LOAD_BALANCER_ZONES: u32 = 2;

/// GiB of an EKS managed node group's root volume when none is given (the `diskSize` default of
/// CreateNodegroup, 20).
pub const NODE_ROOT_GB: f64 = 20.0;

/// Public IPv4 addresses: the load balancer's, and one per instance (`noun`: "tasks", "nodes") for egress.
pub fn public_ipv4(prices: &Prices, instances: u32, noun: &str) -> LineItem {
    let h = prices.hours_per_month;
    let ip = prices.get("public_ipv4");
    let addresses = LOAD_BALANCER_ZONES + instances;
    item(
        "public_ipv4",
        &format!(
            "Public IPv4 ({LOAD_BALANCER_ZONES} for the load balancer, 1 per {})",
            noun.trim_end_matches('s')
        ),
        f64::from(addresses),
        "addresses",
        ip.cost(f64::from(addresses) * h),
        format!(
            "({LOAD_BALANCER_ZONES} + {instances} {noun}) addresses x {} hours x {}",
            format::plain(h),
            ip.describe()
        ),
    )
}

/// The root volume of each node.
pub fn root_volumes(prices: &Prices, nodes: u32) -> LineItem {
    let gb = prices.get("ebs_gp3_storage");
    let total = f64::from(nodes) * NODE_ROOT_GB;
    item(
        "root_volumes",
        &format!(
            "EBS root volumes ({} GB gp3 per node)",
            format::plain(NODE_ROOT_GB)
        ),
        total,
        "GB-months",
        gb.cost(total),
        format!(
            "{nodes} nodes x {} GB x {}",
            format::plain(NODE_ROOT_GB),
            gb.describe()
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_and_volumes_cost_what_the_price_pages_say() {
        let p = Prices::embedded().unwrap();
        // 2 tasks: (2 + 2) x 730 x $0.005 = $14.60.
        assert!((public_ipv4(&p, 2, "tasks").usd - 14.6).abs() < 1e-9);
        // 3 nodes x 20 GB x $0.08 = $4.80.
        assert!((root_volumes(&p, 3).usd - 4.8).abs() < 1e-9);
    }
}
