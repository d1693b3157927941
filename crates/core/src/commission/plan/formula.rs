//! The NGR formula: a sum and difference of named activity components, kept as the text the user wrote
//! (`bets - wins - bonuses - chargebacks - fees - taxes`) so a statement can show exactly how NGR was computed.

use serde::Serialize;

/// The components of a player's daily activity a formula may name.
pub const COMPONENTS: [&str; 10] = [
    "deposits",
    "withdrawals",
    "bets",
    "wins",
    "bonuses",
    "chargebacks",
    "adjustments",
    "fees",
    "taxes",
    "ggr",
];

pub fn default_ngr() -> String {
    "bets - wins - bonuses - chargebacks - fees - taxes".to_string()
}

/// Activity totals in micros, in `COMPONENTS` order but without `ggr` (derived: bets − wins).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Activity {
    pub deposits: i64,
    pub withdrawals: i64,
    pub bets: i64,
    pub wins: i64,
    pub bonuses: i64,
    pub chargebacks: i64,
    pub adjustments: i64,
    pub fees: i64,
    pub taxes: i64,
}

impl Activity {
    pub fn add(&mut self, o: &Activity) {
        self.deposits += o.deposits;
        self.withdrawals += o.withdrawals;
        self.bets += o.bets;
        self.wins += o.wins;
        self.bonuses += o.bonuses;
        self.chargebacks += o.chargebacks;
        self.adjustments += o.adjustments;
        self.fees += o.fees;
        self.taxes += o.taxes;
    }

    fn get(&self, component: usize) -> i64 {
        match component {
            0 => self.deposits,
            1 => self.withdrawals,
            2 => self.bets,
            3 => self.wins,
            4 => self.bonuses,
            5 => self.chargebacks,
            6 => self.adjustments,
            7 => self.fees,
            8 => self.taxes,
            _ => self.bets - self.wins,
        }
    }
}

/// A parsed formula: signed component indexes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Formula {
    terms: Vec<(i64, usize)>,
}

impl Formula {
    /// Parses `a - b + c`; names are components of [`COMPONENTS`]; the first term may carry a sign.
    pub fn parse(text: &str) -> Result<Formula, String> {
        let mut terms = Vec::new();
        let mut sign = 1i64;
        let mut expect_term = true;
        let spaced = text.replace('+', " + ").replace('-', " - ");
        for tok in spaced.split_whitespace() {
            match (tok, expect_term) {
                ("+", _) if expect_term && !terms.is_empty() => {
                    return Err("two operators in a row".into())
                }
                ("-", _) if expect_term && !terms.is_empty() => {
                    return Err("two operators in a row".into())
                }
                ("+", true) => sign = 1,
                ("-", true) => sign = -1,
                ("+", false) => {
                    sign = 1;
                    expect_term = true;
                }
                ("-", false) => {
                    sign = -1;
                    expect_term = true;
                }
                (name, true) => {
                    let idx = COMPONENTS.iter().position(|c| *c == name).ok_or_else(|| {
                        format!(
                            "unknown component '{name}' (known: {})",
                            COMPONENTS.join(", ")
                        )
                    })?;
                    terms.push((sign, idx));
                    sign = 1;
                    expect_term = false;
                }
                (name, false) => {
                    return Err(format!("expected + or - before '{name}'"));
                }
            }
        }
        if terms.is_empty() {
            return Err("the formula names no component".into());
        }
        if expect_term {
            return Err("the formula ends with an operator".into());
        }
        Ok(Formula { terms })
    }

    pub fn eval(&self, a: &Activity) -> i64 {
        self.terms.iter().map(|&(s, c)| s * a.get(c)).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_formula_is_ggr_minus_costs() {
        let f = Formula::parse(&default_ngr()).unwrap();
        let a = Activity {
            bets: 1000,
            wins: 600,
            bonuses: 50,
            chargebacks: 20,
            fees: 10,
            taxes: 5,
            deposits: 99_999,
            ..Activity::default()
        };
        assert_eq!(f.eval(&a), 315);
        assert_eq!(Formula::parse("ggr - bonuses").unwrap().eval(&a), 350);
        assert_eq!(Formula::parse("-wins+bets").unwrap().eval(&a), 400);
    }

    #[test]
    fn bad_formulas_say_why() {
        assert!(Formula::parse("bets - profit")
            .unwrap_err()
            .contains("unknown component 'profit'"));
        assert!(Formula::parse("bets wins")
            .unwrap_err()
            .contains("expected + or -"));
        assert!(Formula::parse("bets -").unwrap_err().contains("ends with"));
        assert!(Formula::parse("bets - - wins")
            .unwrap_err()
            .contains("two operators"));
        assert!(Formula::parse("")
            .unwrap_err()
            .contains("names no component"));
    }
}
