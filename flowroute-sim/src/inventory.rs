//! The seeded inventory of purchasable numbers: a few hundred exchanges in
//! area codes across twenty states plus toll-free codes, each number with a
//! rate centre, a pricing tier and costs. Everything follows from the seed.

use std::collections::BTreeMap;

use crate::prng::Rng;

/// A number Flowroute could sell (or has sold to the account).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct NumberInfo {
    pub(crate) value: String,
    pub(crate) state: Option<&'static str>,
    pub(crate) rate_center: Option<&'static str>,
    pub(crate) toll_free: bool,
    pub(crate) tier: &'static str,
    pub(crate) setup_cost: f64,
    pub(crate) monthly_cost: f64,
    pub(crate) inbound_rate: f64,
}

impl NumberInfo {
    pub(crate) fn npa(&self) -> &str {
        &self.value[1..4]
    }

    pub(crate) fn exchange(&self) -> &str {
        &self.value[1..7]
    }

    /// `number_type` as answered: Flowroute's examples say `standard` for long codes.
    pub(crate) fn number_type(&self) -> &'static str {
        if self.toll_free {
            "toll-free"
        } else {
            "standard"
        }
    }

    /// `message_type` of messages sent from or to this number.
    pub(crate) fn message_type(&self) -> &'static str {
        if self.toll_free {
            "toll-free"
        } else {
            "longcode"
        }
    }

    pub(crate) fn rate_type(&self) -> &'static str {
        if self.toll_free { "toll-free" } else { "local" }
    }
}

/// Area codes with their state and abbreviated rate centres (lower case, as answered).
const GEOGRAPHIC: &[(&str, &str, &[&str])] = &[
    ("201", "nj", &["oradell", "jerseycity", "hackensack"]),
    ("202", "dc", &["washington"]),
    ("206", "wa", &["seattle"]),
    ("212", "ny", &["nwyrcyzn01"]),
    ("213", "ca", &["losangeles"]),
    ("214", "tx", &["dallas"]),
    ("215", "pa", &["philadelphia"]),
    ("303", "co", &["denver"]),
    ("305", "fl", &["miami"]),
    ("312", "il", &["chicago"]),
    ("313", "mi", &["detroit"]),
    ("347", "ny", &["nwyrcyzn01", "brooklyn"]),
    ("404", "ga", &["atlanta"]),
    ("415", "ca", &["sanfrancisco"]),
    ("425", "wa", &["bellevue", "kirkland"]),
    ("503", "or", &["portland"]),
    ("512", "tx", &["austin"]),
    ("602", "az", &["phoenix"]),
    ("612", "mn", &["minneapolis"]),
    ("615", "tn", &["nashville"]),
    ("617", "ma", &["boston"]),
    ("646", "ny", &["nwyrcyzn01"]),
    ("650", "ca", &["millbrae", "paloalto", "redwoodcity"]),
    ("702", "nv", &["lasvegas"]),
    ("801", "ut", &["saltlakecity"]),
    ("919", "nc", &["raleigh"]),
];

const TOLL_FREE: &[&str] = &["800", "833", "844", "855", "866", "877", "888"];

const EXCHANGES_PER_GEOGRAPHIC: usize = 4;
const EXCHANGES_PER_TOLL_FREE: usize = 2;
const NUMBERS_PER_EXCHANGE: usize = 20;

/// Tier name, setup cost, monthly cost and weight (out of 100).
const TIERS: &[(&str, f64, f64, u64)] = &[
    ("Standard", 1.00, 1.25, 70),
    ("Premium", 3.99, 1.25, 15),
    ("Vanity", 5.00, 1.25, 10),
    ("US Promo $0.0/$0.50/$0.005", 0.0, 0.50, 5),
];

fn pick_tier(rng: &mut Rng) -> (&'static str, f64, f64) {
    let mut roll = rng.below(100);
    for &(name, setup, monthly, weight) in TIERS {
        if roll < weight {
            return (name, setup, monthly);
        }
        roll -= weight;
    }
    (TIERS[0].0, TIERS[0].1, TIERS[0].2)
}

/// Distinct three-digit exchange codes that are valid NXX (no N11, no 555).
fn exchanges(rng: &mut Rng, count: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(count);
    while out.len() < count {
        let nxx = 200 + rng.below(800);
        let code = nxx.to_string();
        if code.ends_with("11") || code == "555" || out.contains(&code) {
            continue;
        }
        out.push(code);
    }
    out
}

/// The full inventory for a seed, keyed by number.
pub(crate) fn generate(seed: u64) -> BTreeMap<String, NumberInfo> {
    let mut rng = Rng::new(seed);
    let mut inventory = BTreeMap::new();
    let mut add_block = |rng: &mut Rng,
                         npa: &str,
                         state: Option<&'static str>,
                         centers: &[&'static str],
                         exchange_count: usize| {
        for (i, nxx) in exchanges(rng, exchange_count).into_iter().enumerate() {
            let rate_center = centers.get(i % centers.len().max(1)).copied();
            let mut lines = 0;
            while lines < NUMBERS_PER_EXCHANGE {
                let value = format!("1{npa}{nxx}{:04}", rng.below(10_000));
                if inventory.contains_key(&value) {
                    continue;
                }
                let (tier, setup_cost, monthly_cost) = pick_tier(rng);
                let toll_free = state.is_none();
                let inbound_rate = if tier.starts_with("US Promo") {
                    0.005
                } else if toll_free {
                    0.025
                } else {
                    0.012
                };
                inventory.insert(
                    value.clone(),
                    NumberInfo {
                        value,
                        state,
                        rate_center,
                        toll_free,
                        tier,
                        setup_cost,
                        monthly_cost,
                        inbound_rate,
                    },
                );
                lines += 1;
            }
        }
    };
    for &(npa, state, centers) in GEOGRAPHIC {
        add_block(
            &mut rng,
            npa,
            Some(state),
            centers,
            EXCHANGES_PER_GEOGRAPHIC,
        );
    }
    for &npa in TOLL_FREE {
        add_block(&mut rng, npa, None, &[], EXCHANGES_PER_TOLL_FREE);
    }
    inventory
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn inventory_is_large_varied_and_deterministic() {
        let inv = generate(42);
        assert!(inv.len() >= 2000, "{}", inv.len());
        assert_eq!(inv, generate(42));
        assert_ne!(inv.keys().next(), generate(43).keys().next());
        let states: BTreeSet<_> = inv.values().filter_map(|n| n.state).collect();
        assert!(states.len() >= 15);
        for npa in ["201", "206", "347", "646", "415", "650"] {
            assert!(inv.values().any(|n| n.npa() == npa), "{npa}");
        }
        assert!(
            inv.values()
                .any(|n| n.toll_free && n.npa().starts_with('8'))
        );
        assert!(inv.values().all(|n| n.value.len() == 11));
    }
}
