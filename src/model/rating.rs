//! Verdicts on reviewed claims: the `rating:` of a figure or of a
//! `verification`/`disputed` annotation, and the scale a dossier declares for
//! them in `dossier.yaml`. They become schema.org `ClaimReview`s.
//!
//! Only the shapes live here; whether a verdict is one the dossier knows, or a
//! number within its scale, is checked against the configuration when
//! references are resolved, so the error can name the line.

use std::fmt;

use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer, de};

use crate::model::PartialDate;

/// What a rating says: a verdict's name (`Unverified`) or a number on the
/// dossier's scale (`2`).
#[derive(Clone, Debug, PartialEq)]
pub enum Verdict {
    Name(String),
    Number(f64),
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Verdict::Name(name) => f.write_str(name),
            Verdict::Number(n) => write!(f, "{n}"),
        }
    }
}

impl<'de> Deserialize<'de> for Verdict {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(VerdictVisitor)
    }
}

struct VerdictVisitor;

impl<'de> de::Visitor<'de> for VerdictVisitor {
    type Value = Verdict;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(
            "a verdict such as `Unverified` or `Misleading`, or a number on the scale of dossier.yaml's `ratings`",
        )
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Verdict, E> {
        if v.trim().is_empty() {
            return Err(E::custom("the verdict is empty: write one such as `Unverified`"));
        }
        Ok(Verdict::Name(v.trim().to_string()))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Verdict, E> {
        Err(E::custom(format!(
            "`{v}` is not a verdict: write one such as `Correct` or `Incorrect` (quoted if it reads as yes/no)"
        )))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Verdict, E> {
        Ok(Verdict::Number(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Verdict, E> {
        Ok(Verdict::Number(v as f64))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Verdict, E> {
        Ok(Verdict::Number(v as f64))
    }
}

/// A verdict on a claim: `rating: Unverified`, `rating: 2`, or the long form
/// `rating: { verdict: Misleading, claim: "…", appeared_in: doc, claimed_by: who, date: 2021-12-10 }`.
#[derive(Clone, Debug, PartialEq)]
pub struct Rating {
    pub verdict: Verdict,
    /// The claim as reviewed, in a short sentence (`claimReviewed`); by default
    /// the annotation's quote or the figure's title.
    pub claim: Option<String>,
    /// The source (a document) in which the claim appeared.
    pub appeared_in: Option<String>,
    /// Who made the claim (a source id), for an annotation whose first cited
    /// person or organisation is not the claimant; a figure's is `claimed_by`.
    pub claimed_by: Option<String>,
    /// When the review was published; by default `ratings.date` of dossier.yaml.
    pub date: Option<PartialDate>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LongRating {
    verdict: Verdict,
    claim: Option<String>,
    appeared_in: Option<String>,
    claimed_by: Option<String>,
    date: Option<PartialDate>,
}

impl<'de> Deserialize<'de> for Rating {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> de::Visitor<'de> for Visitor {
            type Value = Rating;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a verdict (`rating: Unverified`), a number on the dossier's scale, or `{ verdict: …, claim: …, appeared_in: …, claimed_by: …, date: … }`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Rating, E> {
                Ok(Rating::short(VerdictVisitor.visit_str(v)?))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Rating, E> {
                Ok(Rating::short(VerdictVisitor.visit_bool(v)?))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Rating, E> {
                Ok(Rating::short(Verdict::Number(v)))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Rating, E> {
                Ok(Rating::short(Verdict::Number(v as f64)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Rating, E> {
                Ok(Rating::short(Verdict::Number(v as f64)))
            }
            fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Rating, A::Error> {
                let long = LongRating::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(Rating {
                    verdict: long.verdict,
                    claim: long.claim,
                    appeared_in: long.appeared_in,
                    claimed_by: long.claimed_by,
                    date: long.date,
                })
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// Written back as it is read: the verdict alone, or the long form.
impl Serialize for Rating {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let verdict = |s: S| match &self.verdict {
            Verdict::Name(name) => s.serialize_str(name),
            Verdict::Number(n) => s.serialize_f64(*n),
        };
        let extra = [("claim", &self.claim), ("appeared_in", &self.appeared_in), ("claimed_by", &self.claimed_by)];
        if extra.iter().all(|(_, v)| v.is_none()) && self.date.is_none() {
            return verdict(serializer);
        }
        let mut map = serializer.serialize_map(None)?;
        match &self.verdict {
            Verdict::Name(name) => map.serialize_entry("verdict", name)?,
            Verdict::Number(n) => map.serialize_entry("verdict", n)?,
        }
        for (key, value) in extra {
            if let Some(value) = value {
                map.serialize_entry(key, value)?;
            }
        }
        if let Some(date) = self.date {
            map.serialize_entry("date", &date.to_string())?;
        }
        map.end()
    }
}

impl Rating {
    /// A rating with only its verdict.
    pub fn short(verdict: Verdict) -> Rating {
        Rating { verdict, claim: None, appeared_in: None, claimed_by: None, date: None }
    }
}

/// The verdicts a dossier uses when `dossier.yaml` declares none.
pub const DEFAULT_VERDICTS: [&str; 7] =
    ["Correct", "Mostly correct", "Mixed", "Misleading", "Missing context", "Incorrect", "Unverified"];

#[cfg(test)]
mod tests {
    use super::{Rating, Verdict};

    #[test]
    fn a_rating_is_a_verdict_a_number_or_a_map() {
        let short: Rating = serde_yaml::from_str("Unverified").unwrap();
        assert_eq!(short, Rating::short(Verdict::Name("Unverified".into())));
        let number: Rating = serde_yaml::from_str("2").unwrap();
        assert_eq!(number.verdict, Verdict::Number(2.0));
        let long: Rating =
            serde_yaml::from_str("{ verdict: Misleading, claim: \"A claim\", appeared_in: x, date: 2021-12 }").unwrap();
        assert_eq!((long.claim.as_deref(), long.appeared_in.as_deref()), (Some("A claim"), Some("x")));
        assert_eq!(long.date.map(|d| d.to_string()).as_deref(), Some("2021-12"));
        let unknown = serde_yaml::from_str::<Rating>("{ verdict: X, score: 3 }").unwrap_err().to_string();
        assert!(unknown.contains("unknown field `score`"), "{unknown}");
        let yes = serde_yaml::from_str::<Rating>("yes").map(|r| r.verdict);
        assert!(matches!(yes, Ok(Verdict::Name(_))) || yes.is_err());
        let boolean = serde_yaml::from_str::<Rating>("true").unwrap_err().to_string();
        assert!(boolean.contains("not a verdict"), "{boolean}");
        for rating in [short, number, long] {
            let json = serde_json::to_value(&rating).unwrap();
            assert_eq!(serde_json::from_value::<Rating>(json).unwrap(), rating, "written back as read");
        }
    }
}
