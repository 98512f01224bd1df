//! Countries, as ISO 3166-1 alpha-2 codes.
//!
//! [`CountryCode`] is the only way the domain names a country: a tenant's legal country, a site's country,
//! an operator's offices, a shareholder's country and the administration locations of a site
//! (see the residency rules in `residency.rs`). It can only hold a code from the official ISO 3166-1
//! alpha-2 list, kept here as [`ALL_COUNTRIES`], so every code in the system has an English name to show.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::domain::format::fill;
use crate::i18n::{td_string, Locale};

/// Every officially assigned ISO 3166-1 alpha-2 code with its English short name, sorted by code.
///
/// Names follow the ISO English short names, written in natural order ("Republic of Korea", not
/// "Korea, Republic of") so that they read well in a sentence and in a drop-down.
pub const ALL_COUNTRIES: &[(&str, &str)] = &[
    ("AD", "Andorra"),
    ("AE", "United Arab Emirates"),
    ("AF", "Afghanistan"),
    ("AG", "Antigua and Barbuda"),
    ("AI", "Anguilla"),
    ("AL", "Albania"),
    ("AM", "Armenia"),
    ("AO", "Angola"),
    ("AQ", "Antarctica"),
    ("AR", "Argentina"),
    ("AS", "American Samoa"),
    ("AT", "Austria"),
    ("AU", "Australia"),
    ("AW", "Aruba"),
    ("AX", "Åland Islands"),
    ("AZ", "Azerbaijan"),
    ("BA", "Bosnia and Herzegovina"),
    ("BB", "Barbados"),
    ("BD", "Bangladesh"),
    ("BE", "Belgium"),
    ("BF", "Burkina Faso"),
    ("BG", "Bulgaria"),
    ("BH", "Bahrain"),
    ("BI", "Burundi"),
    ("BJ", "Benin"),
    ("BL", "Saint Barthélemy"),
    ("BM", "Bermuda"),
    ("BN", "Brunei Darussalam"),
    ("BO", "Bolivia"),
    ("BQ", "Bonaire, Sint Eustatius and Saba"),
    ("BR", "Brazil"),
    ("BS", "Bahamas"),
    ("BT", "Bhutan"),
    ("BV", "Bouvet Island"),
    ("BW", "Botswana"),
    ("BY", "Belarus"),
    ("BZ", "Belize"),
    ("CA", "Canada"),
    ("CC", "Cocos (Keeling) Islands"),
    ("CD", "Democratic Republic of the Congo"),
    ("CF", "Central African Republic"),
    ("CG", "Congo"),
    ("CH", "Switzerland"),
    ("CI", "Côte d'Ivoire"),
    ("CK", "Cook Islands"),
    ("CL", "Chile"),
    ("CM", "Cameroon"),
    ("CN", "China"),
    ("CO", "Colombia"),
    ("CR", "Costa Rica"),
    ("CU", "Cuba"),
    ("CV", "Cabo Verde"),
    ("CW", "Curaçao"),
    ("CX", "Christmas Island"),
    ("CY", "Cyprus"),
    ("CZ", "Czechia"),
    ("DE", "Germany"),
    ("DJ", "Djibouti"),
    ("DK", "Denmark"),
    ("DM", "Dominica"),
    ("DO", "Dominican Republic"),
    ("DZ", "Algeria"),
    ("EC", "Ecuador"),
    ("EE", "Estonia"),
    ("EG", "Egypt"),
    ("EH", "Western Sahara"),
    ("ER", "Eritrea"),
    ("ES", "Spain"),
    ("ET", "Ethiopia"),
    ("FI", "Finland"),
    ("FJ", "Fiji"),
    ("FK", "Falkland Islands (Malvinas)"),
    ("FM", "Micronesia"),
    ("FO", "Faroe Islands"),
    ("FR", "France"),
    ("GA", "Gabon"),
    ("GB", "United Kingdom"),
    ("GD", "Grenada"),
    ("GE", "Georgia"),
    ("GF", "French Guiana"),
    ("GG", "Guernsey"),
    ("GH", "Ghana"),
    ("GI", "Gibraltar"),
    ("GL", "Greenland"),
    ("GM", "Gambia"),
    ("GN", "Guinea"),
    ("GP", "Guadeloupe"),
    ("GQ", "Equatorial Guinea"),
    ("GR", "Greece"),
    ("GS", "South Georgia and the South Sandwich Islands"),
    ("GT", "Guatemala"),
    ("GU", "Guam"),
    ("GW", "Guinea-Bissau"),
    ("GY", "Guyana"),
    ("HK", "Hong Kong"),
    ("HM", "Heard Island and McDonald Islands"),
    ("HN", "Honduras"),
    ("HR", "Croatia"),
    ("HT", "Haiti"),
    ("HU", "Hungary"),
    ("ID", "Indonesia"),
    ("IE", "Ireland"),
    ("IL", "Israel"),
    ("IM", "Isle of Man"),
    ("IN", "India"),
    ("IO", "British Indian Ocean Territory"),
    ("IQ", "Iraq"),
    ("IR", "Iran"),
    ("IS", "Iceland"),
    ("IT", "Italy"),
    ("JE", "Jersey"),
    ("JM", "Jamaica"),
    ("JO", "Jordan"),
    ("JP", "Japan"),
    ("KE", "Kenya"),
    ("KG", "Kyrgyzstan"),
    ("KH", "Cambodia"),
    ("KI", "Kiribati"),
    ("KM", "Comoros"),
    ("KN", "Saint Kitts and Nevis"),
    ("KP", "Democratic People's Republic of Korea"),
    ("KR", "Republic of Korea"),
    ("KW", "Kuwait"),
    ("KY", "Cayman Islands"),
    ("KZ", "Kazakhstan"),
    ("LA", "Lao People's Democratic Republic"),
    ("LB", "Lebanon"),
    ("LC", "Saint Lucia"),
    ("LI", "Liechtenstein"),
    ("LK", "Sri Lanka"),
    ("LR", "Liberia"),
    ("LS", "Lesotho"),
    ("LT", "Lithuania"),
    ("LU", "Luxembourg"),
    ("LV", "Latvia"),
    ("LY", "Libya"),
    ("MA", "Morocco"),
    ("MC", "Monaco"),
    ("MD", "Moldova"),
    ("ME", "Montenegro"),
    ("MF", "Saint Martin (French part)"),
    ("MG", "Madagascar"),
    ("MH", "Marshall Islands"),
    ("MK", "North Macedonia"),
    ("ML", "Mali"),
    ("MM", "Myanmar"),
    ("MN", "Mongolia"),
    ("MO", "Macao"),
    ("MP", "Northern Mariana Islands"),
    ("MQ", "Martinique"),
    ("MR", "Mauritania"),
    ("MS", "Montserrat"),
    ("MT", "Malta"),
    ("MU", "Mauritius"),
    ("MV", "Maldives"),
    ("MW", "Malawi"),
    ("MX", "Mexico"),
    ("MY", "Malaysia"),
    ("MZ", "Mozambique"),
    ("NA", "Namibia"),
    ("NC", "New Caledonia"),
    ("NE", "Niger"),
    ("NF", "Norfolk Island"),
    ("NG", "Nigeria"),
    ("NI", "Nicaragua"),
    ("NL", "Netherlands"),
    ("NO", "Norway"),
    ("NP", "Nepal"),
    ("NR", "Nauru"),
    ("NU", "Niue"),
    ("NZ", "New Zealand"),
    ("OM", "Oman"),
    ("PA", "Panama"),
    ("PE", "Peru"),
    ("PF", "French Polynesia"),
    ("PG", "Papua New Guinea"),
    ("PH", "Philippines"),
    ("PK", "Pakistan"),
    ("PL", "Poland"),
    ("PM", "Saint Pierre and Miquelon"),
    ("PN", "Pitcairn"),
    ("PR", "Puerto Rico"),
    ("PS", "State of Palestine"),
    ("PT", "Portugal"),
    ("PW", "Palau"),
    ("PY", "Paraguay"),
    ("QA", "Qatar"),
    ("RE", "Réunion"),
    ("RO", "Romania"),
    ("RS", "Serbia"),
    ("RU", "Russian Federation"),
    ("RW", "Rwanda"),
    ("SA", "Saudi Arabia"),
    ("SB", "Solomon Islands"),
    ("SC", "Seychelles"),
    ("SD", "Sudan"),
    ("SE", "Sweden"),
    ("SG", "Singapore"),
    ("SH", "Saint Helena, Ascension and Tristan da Cunha"),
    ("SI", "Slovenia"),
    ("SJ", "Svalbard and Jan Mayen"),
    ("SK", "Slovakia"),
    ("SL", "Sierra Leone"),
    ("SM", "San Marino"),
    ("SN", "Senegal"),
    ("SO", "Somalia"),
    ("SR", "Suriname"),
    ("SS", "South Sudan"),
    ("ST", "Sao Tome and Principe"),
    ("SV", "El Salvador"),
    ("SX", "Sint Maarten (Dutch part)"),
    ("SY", "Syrian Arab Republic"),
    ("SZ", "Eswatini"),
    ("TC", "Turks and Caicos Islands"),
    ("TD", "Chad"),
    ("TF", "French Southern Territories"),
    ("TG", "Togo"),
    ("TH", "Thailand"),
    ("TJ", "Tajikistan"),
    ("TK", "Tokelau"),
    ("TL", "Timor-Leste"),
    ("TM", "Turkmenistan"),
    ("TN", "Tunisia"),
    ("TO", "Tonga"),
    ("TR", "Türkiye"),
    ("TT", "Trinidad and Tobago"),
    ("TV", "Tuvalu"),
    ("TW", "Taiwan"),
    ("TZ", "Tanzania"),
    ("UA", "Ukraine"),
    ("UG", "Uganda"),
    ("UM", "United States Minor Outlying Islands"),
    ("US", "United States"),
    ("UY", "Uruguay"),
    ("UZ", "Uzbekistan"),
    ("VA", "Holy See"),
    ("VC", "Saint Vincent and the Grenadines"),
    ("VE", "Venezuela"),
    ("VG", "British Virgin Islands"),
    ("VI", "United States Virgin Islands"),
    ("VN", "Viet Nam"),
    ("VU", "Vanuatu"),
    ("WF", "Wallis and Futuna"),
    ("WS", "Samoa"),
    ("YE", "Yemen"),
    ("YT", "Mayotte"),
    ("ZA", "South Africa"),
    ("ZM", "Zambia"),
    ("ZW", "Zimbabwe"),
];

/// Codes whose English name takes "the" inside a sentence ("hosted in the United States").
const NAMES_WITH_ARTICLE: &[&str] = &[
    "AE", "BS", "CC", "CD", "CF", "CG", "CK", "DO", "FK", "FO", "GB", "GM", "IM", "IO", "KM", "KP",
    "KR", "KY", "LA", "MH", "MP", "MV", "NL", "PH", "PS", "RU", "SB", "SY", "TC", "TF", "UM", "US",
    "VA", "VG", "VI",
];

/// An ISO 3166-1 alpha-2 country code, such as `FR`.
///
/// It can only be built from a code of the official list ([`ALL_COUNTRIES`]); it orders, compares and
/// hashes like its two letters and (de)serialises as the plain upper-case string `"FR"`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CountryCode(
    /// Index into [`ALL_COUNTRIES`]; the list is sorted by code, so ordering by index orders by code.
    u8,
);

impl CountryCode {
    /// Reads a code typed by a person: surrounding spaces are ignored and lower case is accepted.
    ///
    /// The error is a sentence to show as it is, e.g. "“XX” is not an ISO 3166-1 country code."
    pub fn parse(input: &str) -> Result<Self, String> {
        let text = input.trim();
        if text.is_empty() {
            return Err(td_string!(crate::locale::current(), countries.code_empty).to_string());
        }
        let code = text.to_ascii_uppercase();
        match ALL_COUNTRIES.binary_search_by(|(known, _)| (*known).cmp(code.as_str())) {
            Ok(index) => Ok(Self(
                u8::try_from(index).expect("the ISO list has fewer than 256 entries"),
            )),
            Err(_) => Err(unknown_code_message(text, &code)),
        }
    }

    /// The two upper-case letters, e.g. `"FR"`.
    pub fn as_str(self) -> &'static str {
        ALL_COUNTRIES[usize::from(self.0)].0
    }

    /// The English short name, e.g. `"France"`.
    pub fn name(self) -> &'static str {
        ALL_COUNTRIES[usize::from(self.0)].1
    }

    /// The English name as it reads inside a sentence: "the United States", but "France".
    pub fn name_in_sentence(self) -> String {
        if NAMES_WITH_ARTICLE.contains(&self.as_str()) {
            format!("the {}", self.name())
        } else {
            self.name().to_string()
        }
    }
}

fn unknown_code_message(text: &str, upper: &str) -> String {
    let locale = crate::locale::current();
    let template = match upper {
        "UK" => td_string!(locale, countries.code_uk),
        "EL" => td_string!(locale, countries.code_el),
        _ if upper.len() != 2 || !upper.bytes().all(|b| b.is_ascii_uppercase()) => {
            td_string!(locale, countries.code_not_two_letters)
        }
        _ => td_string!(locale, countries.code_unknown),
    };
    fill(template, &[("input", &text)])
}

/// The country's words in each language, from the `countries` namespace: [`CountryCode::name`] and
/// [`CountryCode::name_in_sentence`] stay the English the API, exports and audit log use.
impl CountryCode {
    /// The short name a person reading `locale` sees: "United States", "États-Unis".
    pub fn name_in(self, locale: Locale) -> &'static str {
        match self.as_str() {
            "AD" => td_string!(locale, countries.name_ad),
            "AE" => td_string!(locale, countries.name_ae),
            "AF" => td_string!(locale, countries.name_af),
            "AG" => td_string!(locale, countries.name_ag),
            "AI" => td_string!(locale, countries.name_ai),
            "AL" => td_string!(locale, countries.name_al),
            "AM" => td_string!(locale, countries.name_am),
            "AO" => td_string!(locale, countries.name_ao),
            "AQ" => td_string!(locale, countries.name_aq),
            "AR" => td_string!(locale, countries.name_ar),
            "AS" => td_string!(locale, countries.name_as),
            "AT" => td_string!(locale, countries.name_at),
            "AU" => td_string!(locale, countries.name_au),
            "AW" => td_string!(locale, countries.name_aw),
            "AX" => td_string!(locale, countries.name_ax),
            "AZ" => td_string!(locale, countries.name_az),
            "BA" => td_string!(locale, countries.name_ba),
            "BB" => td_string!(locale, countries.name_bb),
            "BD" => td_string!(locale, countries.name_bd),
            "BE" => td_string!(locale, countries.name_be),
            "BF" => td_string!(locale, countries.name_bf),
            "BG" => td_string!(locale, countries.name_bg),
            "BH" => td_string!(locale, countries.name_bh),
            "BI" => td_string!(locale, countries.name_bi),
            "BJ" => td_string!(locale, countries.name_bj),
            "BL" => td_string!(locale, countries.name_bl),
            "BM" => td_string!(locale, countries.name_bm),
            "BN" => td_string!(locale, countries.name_bn),
            "BO" => td_string!(locale, countries.name_bo),
            "BQ" => td_string!(locale, countries.name_bq),
            "BR" => td_string!(locale, countries.name_br),
            "BS" => td_string!(locale, countries.name_bs),
            "BT" => td_string!(locale, countries.name_bt),
            "BV" => td_string!(locale, countries.name_bv),
            "BW" => td_string!(locale, countries.name_bw),
            "BY" => td_string!(locale, countries.name_by),
            "BZ" => td_string!(locale, countries.name_bz),
            "CA" => td_string!(locale, countries.name_ca),
            "CC" => td_string!(locale, countries.name_cc),
            "CD" => td_string!(locale, countries.name_cd),
            "CF" => td_string!(locale, countries.name_cf),
            "CG" => td_string!(locale, countries.name_cg),
            "CH" => td_string!(locale, countries.name_ch),
            "CI" => td_string!(locale, countries.name_ci),
            "CK" => td_string!(locale, countries.name_ck),
            "CL" => td_string!(locale, countries.name_cl),
            "CM" => td_string!(locale, countries.name_cm),
            "CN" => td_string!(locale, countries.name_cn),
            "CO" => td_string!(locale, countries.name_co),
            "CR" => td_string!(locale, countries.name_cr),
            "CU" => td_string!(locale, countries.name_cu),
            "CV" => td_string!(locale, countries.name_cv),
            "CW" => td_string!(locale, countries.name_cw),
            "CX" => td_string!(locale, countries.name_cx),
            "CY" => td_string!(locale, countries.name_cy),
            "CZ" => td_string!(locale, countries.name_cz),
            "DE" => td_string!(locale, countries.name_de),
            "DJ" => td_string!(locale, countries.name_dj),
            "DK" => td_string!(locale, countries.name_dk),
            "DM" => td_string!(locale, countries.name_dm),
            "DO" => td_string!(locale, countries.name_do),
            "DZ" => td_string!(locale, countries.name_dz),
            "EC" => td_string!(locale, countries.name_ec),
            "EE" => td_string!(locale, countries.name_ee),
            "EG" => td_string!(locale, countries.name_eg),
            "EH" => td_string!(locale, countries.name_eh),
            "ER" => td_string!(locale, countries.name_er),
            "ES" => td_string!(locale, countries.name_es),
            "ET" => td_string!(locale, countries.name_et),
            "FI" => td_string!(locale, countries.name_fi),
            "FJ" => td_string!(locale, countries.name_fj),
            "FK" => td_string!(locale, countries.name_fk),
            "FM" => td_string!(locale, countries.name_fm),
            "FO" => td_string!(locale, countries.name_fo),
            "FR" => td_string!(locale, countries.name_fr),
            "GA" => td_string!(locale, countries.name_ga),
            "GB" => td_string!(locale, countries.name_gb),
            "GD" => td_string!(locale, countries.name_gd),
            "GE" => td_string!(locale, countries.name_ge),
            "GF" => td_string!(locale, countries.name_gf),
            "GG" => td_string!(locale, countries.name_gg),
            "GH" => td_string!(locale, countries.name_gh),
            "GI" => td_string!(locale, countries.name_gi),
            "GL" => td_string!(locale, countries.name_gl),
            "GM" => td_string!(locale, countries.name_gm),
            "GN" => td_string!(locale, countries.name_gn),
            "GP" => td_string!(locale, countries.name_gp),
            "GQ" => td_string!(locale, countries.name_gq),
            "GR" => td_string!(locale, countries.name_gr),
            "GS" => td_string!(locale, countries.name_gs),
            "GT" => td_string!(locale, countries.name_gt),
            "GU" => td_string!(locale, countries.name_gu),
            "GW" => td_string!(locale, countries.name_gw),
            "GY" => td_string!(locale, countries.name_gy),
            "HK" => td_string!(locale, countries.name_hk),
            "HM" => td_string!(locale, countries.name_hm),
            "HN" => td_string!(locale, countries.name_hn),
            "HR" => td_string!(locale, countries.name_hr),
            "HT" => td_string!(locale, countries.name_ht),
            "HU" => td_string!(locale, countries.name_hu),
            "ID" => td_string!(locale, countries.name_id),
            "IE" => td_string!(locale, countries.name_ie),
            "IL" => td_string!(locale, countries.name_il),
            "IM" => td_string!(locale, countries.name_im),
            "IN" => td_string!(locale, countries.name_in),
            "IO" => td_string!(locale, countries.name_io),
            "IQ" => td_string!(locale, countries.name_iq),
            "IR" => td_string!(locale, countries.name_ir),
            "IS" => td_string!(locale, countries.name_is),
            "IT" => td_string!(locale, countries.name_it),
            "JE" => td_string!(locale, countries.name_je),
            "JM" => td_string!(locale, countries.name_jm),
            "JO" => td_string!(locale, countries.name_jo),
            "JP" => td_string!(locale, countries.name_jp),
            "KE" => td_string!(locale, countries.name_ke),
            "KG" => td_string!(locale, countries.name_kg),
            "KH" => td_string!(locale, countries.name_kh),
            "KI" => td_string!(locale, countries.name_ki),
            "KM" => td_string!(locale, countries.name_km),
            "KN" => td_string!(locale, countries.name_kn),
            "KP" => td_string!(locale, countries.name_kp),
            "KR" => td_string!(locale, countries.name_kr),
            "KW" => td_string!(locale, countries.name_kw),
            "KY" => td_string!(locale, countries.name_ky),
            "KZ" => td_string!(locale, countries.name_kz),
            "LA" => td_string!(locale, countries.name_la),
            "LB" => td_string!(locale, countries.name_lb),
            "LC" => td_string!(locale, countries.name_lc),
            "LI" => td_string!(locale, countries.name_li),
            "LK" => td_string!(locale, countries.name_lk),
            "LR" => td_string!(locale, countries.name_lr),
            "LS" => td_string!(locale, countries.name_ls),
            "LT" => td_string!(locale, countries.name_lt),
            "LU" => td_string!(locale, countries.name_lu),
            "LV" => td_string!(locale, countries.name_lv),
            "LY" => td_string!(locale, countries.name_ly),
            "MA" => td_string!(locale, countries.name_ma),
            "MC" => td_string!(locale, countries.name_mc),
            "MD" => td_string!(locale, countries.name_md),
            "ME" => td_string!(locale, countries.name_me),
            "MF" => td_string!(locale, countries.name_mf),
            "MG" => td_string!(locale, countries.name_mg),
            "MH" => td_string!(locale, countries.name_mh),
            "MK" => td_string!(locale, countries.name_mk),
            "ML" => td_string!(locale, countries.name_ml),
            "MM" => td_string!(locale, countries.name_mm),
            "MN" => td_string!(locale, countries.name_mn),
            "MO" => td_string!(locale, countries.name_mo),
            "MP" => td_string!(locale, countries.name_mp),
            "MQ" => td_string!(locale, countries.name_mq),
            "MR" => td_string!(locale, countries.name_mr),
            "MS" => td_string!(locale, countries.name_ms),
            "MT" => td_string!(locale, countries.name_mt),
            "MU" => td_string!(locale, countries.name_mu),
            "MV" => td_string!(locale, countries.name_mv),
            "MW" => td_string!(locale, countries.name_mw),
            "MX" => td_string!(locale, countries.name_mx),
            "MY" => td_string!(locale, countries.name_my),
            "MZ" => td_string!(locale, countries.name_mz),
            "NA" => td_string!(locale, countries.name_na),
            "NC" => td_string!(locale, countries.name_nc),
            "NE" => td_string!(locale, countries.name_ne),
            "NF" => td_string!(locale, countries.name_nf),
            "NG" => td_string!(locale, countries.name_ng),
            "NI" => td_string!(locale, countries.name_ni),
            "NL" => td_string!(locale, countries.name_nl),
            "NO" => td_string!(locale, countries.name_no),
            "NP" => td_string!(locale, countries.name_np),
            "NR" => td_string!(locale, countries.name_nr),
            "NU" => td_string!(locale, countries.name_nu),
            "NZ" => td_string!(locale, countries.name_nz),
            "OM" => td_string!(locale, countries.name_om),
            "PA" => td_string!(locale, countries.name_pa),
            "PE" => td_string!(locale, countries.name_pe),
            "PF" => td_string!(locale, countries.name_pf),
            "PG" => td_string!(locale, countries.name_pg),
            "PH" => td_string!(locale, countries.name_ph),
            "PK" => td_string!(locale, countries.name_pk),
            "PL" => td_string!(locale, countries.name_pl),
            "PM" => td_string!(locale, countries.name_pm),
            "PN" => td_string!(locale, countries.name_pn),
            "PR" => td_string!(locale, countries.name_pr),
            "PS" => td_string!(locale, countries.name_ps),
            "PT" => td_string!(locale, countries.name_pt),
            "PW" => td_string!(locale, countries.name_pw),
            "PY" => td_string!(locale, countries.name_py),
            "QA" => td_string!(locale, countries.name_qa),
            "RE" => td_string!(locale, countries.name_re),
            "RO" => td_string!(locale, countries.name_ro),
            "RS" => td_string!(locale, countries.name_rs),
            "RU" => td_string!(locale, countries.name_ru),
            "RW" => td_string!(locale, countries.name_rw),
            "SA" => td_string!(locale, countries.name_sa),
            "SB" => td_string!(locale, countries.name_sb),
            "SC" => td_string!(locale, countries.name_sc),
            "SD" => td_string!(locale, countries.name_sd),
            "SE" => td_string!(locale, countries.name_se),
            "SG" => td_string!(locale, countries.name_sg),
            "SH" => td_string!(locale, countries.name_sh),
            "SI" => td_string!(locale, countries.name_si),
            "SJ" => td_string!(locale, countries.name_sj),
            "SK" => td_string!(locale, countries.name_sk),
            "SL" => td_string!(locale, countries.name_sl),
            "SM" => td_string!(locale, countries.name_sm),
            "SN" => td_string!(locale, countries.name_sn),
            "SO" => td_string!(locale, countries.name_so),
            "SR" => td_string!(locale, countries.name_sr),
            "SS" => td_string!(locale, countries.name_ss),
            "ST" => td_string!(locale, countries.name_st),
            "SV" => td_string!(locale, countries.name_sv),
            "SX" => td_string!(locale, countries.name_sx),
            "SY" => td_string!(locale, countries.name_sy),
            "SZ" => td_string!(locale, countries.name_sz),
            "TC" => td_string!(locale, countries.name_tc),
            "TD" => td_string!(locale, countries.name_td),
            "TF" => td_string!(locale, countries.name_tf),
            "TG" => td_string!(locale, countries.name_tg),
            "TH" => td_string!(locale, countries.name_th),
            "TJ" => td_string!(locale, countries.name_tj),
            "TK" => td_string!(locale, countries.name_tk),
            "TL" => td_string!(locale, countries.name_tl),
            "TM" => td_string!(locale, countries.name_tm),
            "TN" => td_string!(locale, countries.name_tn),
            "TO" => td_string!(locale, countries.name_to),
            "TR" => td_string!(locale, countries.name_tr),
            "TT" => td_string!(locale, countries.name_tt),
            "TV" => td_string!(locale, countries.name_tv),
            "TW" => td_string!(locale, countries.name_tw),
            "TZ" => td_string!(locale, countries.name_tz),
            "UA" => td_string!(locale, countries.name_ua),
            "UG" => td_string!(locale, countries.name_ug),
            "UM" => td_string!(locale, countries.name_um),
            "US" => td_string!(locale, countries.name_us),
            "UY" => td_string!(locale, countries.name_uy),
            "UZ" => td_string!(locale, countries.name_uz),
            "VA" => td_string!(locale, countries.name_va),
            "VC" => td_string!(locale, countries.name_vc),
            "VE" => td_string!(locale, countries.name_ve),
            "VG" => td_string!(locale, countries.name_vg),
            "VI" => td_string!(locale, countries.name_vi),
            "VN" => td_string!(locale, countries.name_vn),
            "VU" => td_string!(locale, countries.name_vu),
            "WF" => td_string!(locale, countries.name_wf),
            "WS" => td_string!(locale, countries.name_ws),
            "YE" => td_string!(locale, countries.name_ye),
            "YT" => td_string!(locale, countries.name_yt),
            "ZA" => td_string!(locale, countries.name_za),
            "ZM" => td_string!(locale, countries.name_zm),
            "ZW" => td_string!(locale, countries.name_zw),
            _ => self.name(),
        }
    }

    /// The name as it reads inside a sentence, with its article: "the United States", "France";
    /// "les États-Unis", "la France", "Monaco".
    pub fn name_in_sentence_in(self, locale: Locale) -> &'static str {
        match self.as_str() {
            "AD" => td_string!(locale, countries.the_ad),
            "AE" => td_string!(locale, countries.the_ae),
            "AF" => td_string!(locale, countries.the_af),
            "AG" => td_string!(locale, countries.the_ag),
            "AI" => td_string!(locale, countries.the_ai),
            "AL" => td_string!(locale, countries.the_al),
            "AM" => td_string!(locale, countries.the_am),
            "AO" => td_string!(locale, countries.the_ao),
            "AQ" => td_string!(locale, countries.the_aq),
            "AR" => td_string!(locale, countries.the_ar),
            "AS" => td_string!(locale, countries.the_as),
            "AT" => td_string!(locale, countries.the_at),
            "AU" => td_string!(locale, countries.the_au),
            "AW" => td_string!(locale, countries.the_aw),
            "AX" => td_string!(locale, countries.the_ax),
            "AZ" => td_string!(locale, countries.the_az),
            "BA" => td_string!(locale, countries.the_ba),
            "BB" => td_string!(locale, countries.the_bb),
            "BD" => td_string!(locale, countries.the_bd),
            "BE" => td_string!(locale, countries.the_be),
            "BF" => td_string!(locale, countries.the_bf),
            "BG" => td_string!(locale, countries.the_bg),
            "BH" => td_string!(locale, countries.the_bh),
            "BI" => td_string!(locale, countries.the_bi),
            "BJ" => td_string!(locale, countries.the_bj),
            "BL" => td_string!(locale, countries.the_bl),
            "BM" => td_string!(locale, countries.the_bm),
            "BN" => td_string!(locale, countries.the_bn),
            "BO" => td_string!(locale, countries.the_bo),
            "BQ" => td_string!(locale, countries.the_bq),
            "BR" => td_string!(locale, countries.the_br),
            "BS" => td_string!(locale, countries.the_bs),
            "BT" => td_string!(locale, countries.the_bt),
            "BV" => td_string!(locale, countries.the_bv),
            "BW" => td_string!(locale, countries.the_bw),
            "BY" => td_string!(locale, countries.the_by),
            "BZ" => td_string!(locale, countries.the_bz),
            "CA" => td_string!(locale, countries.the_ca),
            "CC" => td_string!(locale, countries.the_cc),
            "CD" => td_string!(locale, countries.the_cd),
            "CF" => td_string!(locale, countries.the_cf),
            "CG" => td_string!(locale, countries.the_cg),
            "CH" => td_string!(locale, countries.the_ch),
            "CI" => td_string!(locale, countries.the_ci),
            "CK" => td_string!(locale, countries.the_ck),
            "CL" => td_string!(locale, countries.the_cl),
            "CM" => td_string!(locale, countries.the_cm),
            "CN" => td_string!(locale, countries.the_cn),
            "CO" => td_string!(locale, countries.the_co),
            "CR" => td_string!(locale, countries.the_cr),
            "CU" => td_string!(locale, countries.the_cu),
            "CV" => td_string!(locale, countries.the_cv),
            "CW" => td_string!(locale, countries.the_cw),
            "CX" => td_string!(locale, countries.the_cx),
            "CY" => td_string!(locale, countries.the_cy),
            "CZ" => td_string!(locale, countries.the_cz),
            "DE" => td_string!(locale, countries.the_de),
            "DJ" => td_string!(locale, countries.the_dj),
            "DK" => td_string!(locale, countries.the_dk),
            "DM" => td_string!(locale, countries.the_dm),
            "DO" => td_string!(locale, countries.the_do),
            "DZ" => td_string!(locale, countries.the_dz),
            "EC" => td_string!(locale, countries.the_ec),
            "EE" => td_string!(locale, countries.the_ee),
            "EG" => td_string!(locale, countries.the_eg),
            "EH" => td_string!(locale, countries.the_eh),
            "ER" => td_string!(locale, countries.the_er),
            "ES" => td_string!(locale, countries.the_es),
            "ET" => td_string!(locale, countries.the_et),
            "FI" => td_string!(locale, countries.the_fi),
            "FJ" => td_string!(locale, countries.the_fj),
            "FK" => td_string!(locale, countries.the_fk),
            "FM" => td_string!(locale, countries.the_fm),
            "FO" => td_string!(locale, countries.the_fo),
            "FR" => td_string!(locale, countries.the_fr),
            "GA" => td_string!(locale, countries.the_ga),
            "GB" => td_string!(locale, countries.the_gb),
            "GD" => td_string!(locale, countries.the_gd),
            "GE" => td_string!(locale, countries.the_ge),
            "GF" => td_string!(locale, countries.the_gf),
            "GG" => td_string!(locale, countries.the_gg),
            "GH" => td_string!(locale, countries.the_gh),
            "GI" => td_string!(locale, countries.the_gi),
            "GL" => td_string!(locale, countries.the_gl),
            "GM" => td_string!(locale, countries.the_gm),
            "GN" => td_string!(locale, countries.the_gn),
            "GP" => td_string!(locale, countries.the_gp),
            "GQ" => td_string!(locale, countries.the_gq),
            "GR" => td_string!(locale, countries.the_gr),
            "GS" => td_string!(locale, countries.the_gs),
            "GT" => td_string!(locale, countries.the_gt),
            "GU" => td_string!(locale, countries.the_gu),
            "GW" => td_string!(locale, countries.the_gw),
            "GY" => td_string!(locale, countries.the_gy),
            "HK" => td_string!(locale, countries.the_hk),
            "HM" => td_string!(locale, countries.the_hm),
            "HN" => td_string!(locale, countries.the_hn),
            "HR" => td_string!(locale, countries.the_hr),
            "HT" => td_string!(locale, countries.the_ht),
            "HU" => td_string!(locale, countries.the_hu),
            "ID" => td_string!(locale, countries.the_id),
            "IE" => td_string!(locale, countries.the_ie),
            "IL" => td_string!(locale, countries.the_il),
            "IM" => td_string!(locale, countries.the_im),
            "IN" => td_string!(locale, countries.the_in),
            "IO" => td_string!(locale, countries.the_io),
            "IQ" => td_string!(locale, countries.the_iq),
            "IR" => td_string!(locale, countries.the_ir),
            "IS" => td_string!(locale, countries.the_is),
            "IT" => td_string!(locale, countries.the_it),
            "JE" => td_string!(locale, countries.the_je),
            "JM" => td_string!(locale, countries.the_jm),
            "JO" => td_string!(locale, countries.the_jo),
            "JP" => td_string!(locale, countries.the_jp),
            "KE" => td_string!(locale, countries.the_ke),
            "KG" => td_string!(locale, countries.the_kg),
            "KH" => td_string!(locale, countries.the_kh),
            "KI" => td_string!(locale, countries.the_ki),
            "KM" => td_string!(locale, countries.the_km),
            "KN" => td_string!(locale, countries.the_kn),
            "KP" => td_string!(locale, countries.the_kp),
            "KR" => td_string!(locale, countries.the_kr),
            "KW" => td_string!(locale, countries.the_kw),
            "KY" => td_string!(locale, countries.the_ky),
            "KZ" => td_string!(locale, countries.the_kz),
            "LA" => td_string!(locale, countries.the_la),
            "LB" => td_string!(locale, countries.the_lb),
            "LC" => td_string!(locale, countries.the_lc),
            "LI" => td_string!(locale, countries.the_li),
            "LK" => td_string!(locale, countries.the_lk),
            "LR" => td_string!(locale, countries.the_lr),
            "LS" => td_string!(locale, countries.the_ls),
            "LT" => td_string!(locale, countries.the_lt),
            "LU" => td_string!(locale, countries.the_lu),
            "LV" => td_string!(locale, countries.the_lv),
            "LY" => td_string!(locale, countries.the_ly),
            "MA" => td_string!(locale, countries.the_ma),
            "MC" => td_string!(locale, countries.the_mc),
            "MD" => td_string!(locale, countries.the_md),
            "ME" => td_string!(locale, countries.the_me),
            "MF" => td_string!(locale, countries.the_mf),
            "MG" => td_string!(locale, countries.the_mg),
            "MH" => td_string!(locale, countries.the_mh),
            "MK" => td_string!(locale, countries.the_mk),
            "ML" => td_string!(locale, countries.the_ml),
            "MM" => td_string!(locale, countries.the_mm),
            "MN" => td_string!(locale, countries.the_mn),
            "MO" => td_string!(locale, countries.the_mo),
            "MP" => td_string!(locale, countries.the_mp),
            "MQ" => td_string!(locale, countries.the_mq),
            "MR" => td_string!(locale, countries.the_mr),
            "MS" => td_string!(locale, countries.the_ms),
            "MT" => td_string!(locale, countries.the_mt),
            "MU" => td_string!(locale, countries.the_mu),
            "MV" => td_string!(locale, countries.the_mv),
            "MW" => td_string!(locale, countries.the_mw),
            "MX" => td_string!(locale, countries.the_mx),
            "MY" => td_string!(locale, countries.the_my),
            "MZ" => td_string!(locale, countries.the_mz),
            "NA" => td_string!(locale, countries.the_na),
            "NC" => td_string!(locale, countries.the_nc),
            "NE" => td_string!(locale, countries.the_ne),
            "NF" => td_string!(locale, countries.the_nf),
            "NG" => td_string!(locale, countries.the_ng),
            "NI" => td_string!(locale, countries.the_ni),
            "NL" => td_string!(locale, countries.the_nl),
            "NO" => td_string!(locale, countries.the_no),
            "NP" => td_string!(locale, countries.the_np),
            "NR" => td_string!(locale, countries.the_nr),
            "NU" => td_string!(locale, countries.the_nu),
            "NZ" => td_string!(locale, countries.the_nz),
            "OM" => td_string!(locale, countries.the_om),
            "PA" => td_string!(locale, countries.the_pa),
            "PE" => td_string!(locale, countries.the_pe),
            "PF" => td_string!(locale, countries.the_pf),
            "PG" => td_string!(locale, countries.the_pg),
            "PH" => td_string!(locale, countries.the_ph),
            "PK" => td_string!(locale, countries.the_pk),
            "PL" => td_string!(locale, countries.the_pl),
            "PM" => td_string!(locale, countries.the_pm),
            "PN" => td_string!(locale, countries.the_pn),
            "PR" => td_string!(locale, countries.the_pr),
            "PS" => td_string!(locale, countries.the_ps),
            "PT" => td_string!(locale, countries.the_pt),
            "PW" => td_string!(locale, countries.the_pw),
            "PY" => td_string!(locale, countries.the_py),
            "QA" => td_string!(locale, countries.the_qa),
            "RE" => td_string!(locale, countries.the_re),
            "RO" => td_string!(locale, countries.the_ro),
            "RS" => td_string!(locale, countries.the_rs),
            "RU" => td_string!(locale, countries.the_ru),
            "RW" => td_string!(locale, countries.the_rw),
            "SA" => td_string!(locale, countries.the_sa),
            "SB" => td_string!(locale, countries.the_sb),
            "SC" => td_string!(locale, countries.the_sc),
            "SD" => td_string!(locale, countries.the_sd),
            "SE" => td_string!(locale, countries.the_se),
            "SG" => td_string!(locale, countries.the_sg),
            "SH" => td_string!(locale, countries.the_sh),
            "SI" => td_string!(locale, countries.the_si),
            "SJ" => td_string!(locale, countries.the_sj),
            "SK" => td_string!(locale, countries.the_sk),
            "SL" => td_string!(locale, countries.the_sl),
            "SM" => td_string!(locale, countries.the_sm),
            "SN" => td_string!(locale, countries.the_sn),
            "SO" => td_string!(locale, countries.the_so),
            "SR" => td_string!(locale, countries.the_sr),
            "SS" => td_string!(locale, countries.the_ss),
            "ST" => td_string!(locale, countries.the_st),
            "SV" => td_string!(locale, countries.the_sv),
            "SX" => td_string!(locale, countries.the_sx),
            "SY" => td_string!(locale, countries.the_sy),
            "SZ" => td_string!(locale, countries.the_sz),
            "TC" => td_string!(locale, countries.the_tc),
            "TD" => td_string!(locale, countries.the_td),
            "TF" => td_string!(locale, countries.the_tf),
            "TG" => td_string!(locale, countries.the_tg),
            "TH" => td_string!(locale, countries.the_th),
            "TJ" => td_string!(locale, countries.the_tj),
            "TK" => td_string!(locale, countries.the_tk),
            "TL" => td_string!(locale, countries.the_tl),
            "TM" => td_string!(locale, countries.the_tm),
            "TN" => td_string!(locale, countries.the_tn),
            "TO" => td_string!(locale, countries.the_to),
            "TR" => td_string!(locale, countries.the_tr),
            "TT" => td_string!(locale, countries.the_tt),
            "TV" => td_string!(locale, countries.the_tv),
            "TW" => td_string!(locale, countries.the_tw),
            "TZ" => td_string!(locale, countries.the_tz),
            "UA" => td_string!(locale, countries.the_ua),
            "UG" => td_string!(locale, countries.the_ug),
            "UM" => td_string!(locale, countries.the_um),
            "US" => td_string!(locale, countries.the_us),
            "UY" => td_string!(locale, countries.the_uy),
            "UZ" => td_string!(locale, countries.the_uz),
            "VA" => td_string!(locale, countries.the_va),
            "VC" => td_string!(locale, countries.the_vc),
            "VE" => td_string!(locale, countries.the_ve),
            "VG" => td_string!(locale, countries.the_vg),
            "VI" => td_string!(locale, countries.the_vi),
            "VN" => td_string!(locale, countries.the_vn),
            "VU" => td_string!(locale, countries.the_vu),
            "WF" => td_string!(locale, countries.the_wf),
            "WS" => td_string!(locale, countries.the_ws),
            "YE" => td_string!(locale, countries.the_ye),
            "YT" => td_string!(locale, countries.the_yt),
            "ZA" => td_string!(locale, countries.the_za),
            "ZM" => td_string!(locale, countries.the_zm),
            "ZW" => td_string!(locale, countries.the_zw),
            _ => self.name(),
        }
    }

    /// "In" the country, with the preposition and article the language needs: "in the United
    /// States", "in France"; "aux États-Unis", "en France", "au Canada", "à Monaco".
    pub fn located_in(self, locale: Locale) -> &'static str {
        match self.as_str() {
            "AD" => td_string!(locale, countries.in_ad),
            "AE" => td_string!(locale, countries.in_ae),
            "AF" => td_string!(locale, countries.in_af),
            "AG" => td_string!(locale, countries.in_ag),
            "AI" => td_string!(locale, countries.in_ai),
            "AL" => td_string!(locale, countries.in_al),
            "AM" => td_string!(locale, countries.in_am),
            "AO" => td_string!(locale, countries.in_ao),
            "AQ" => td_string!(locale, countries.in_aq),
            "AR" => td_string!(locale, countries.in_ar),
            "AS" => td_string!(locale, countries.in_as),
            "AT" => td_string!(locale, countries.in_at),
            "AU" => td_string!(locale, countries.in_au),
            "AW" => td_string!(locale, countries.in_aw),
            "AX" => td_string!(locale, countries.in_ax),
            "AZ" => td_string!(locale, countries.in_az),
            "BA" => td_string!(locale, countries.in_ba),
            "BB" => td_string!(locale, countries.in_bb),
            "BD" => td_string!(locale, countries.in_bd),
            "BE" => td_string!(locale, countries.in_be),
            "BF" => td_string!(locale, countries.in_bf),
            "BG" => td_string!(locale, countries.in_bg),
            "BH" => td_string!(locale, countries.in_bh),
            "BI" => td_string!(locale, countries.in_bi),
            "BJ" => td_string!(locale, countries.in_bj),
            "BL" => td_string!(locale, countries.in_bl),
            "BM" => td_string!(locale, countries.in_bm),
            "BN" => td_string!(locale, countries.in_bn),
            "BO" => td_string!(locale, countries.in_bo),
            "BQ" => td_string!(locale, countries.in_bq),
            "BR" => td_string!(locale, countries.in_br),
            "BS" => td_string!(locale, countries.in_bs),
            "BT" => td_string!(locale, countries.in_bt),
            "BV" => td_string!(locale, countries.in_bv),
            "BW" => td_string!(locale, countries.in_bw),
            "BY" => td_string!(locale, countries.in_by),
            "BZ" => td_string!(locale, countries.in_bz),
            "CA" => td_string!(locale, countries.in_ca),
            "CC" => td_string!(locale, countries.in_cc),
            "CD" => td_string!(locale, countries.in_cd),
            "CF" => td_string!(locale, countries.in_cf),
            "CG" => td_string!(locale, countries.in_cg),
            "CH" => td_string!(locale, countries.in_ch),
            "CI" => td_string!(locale, countries.in_ci),
            "CK" => td_string!(locale, countries.in_ck),
            "CL" => td_string!(locale, countries.in_cl),
            "CM" => td_string!(locale, countries.in_cm),
            "CN" => td_string!(locale, countries.in_cn),
            "CO" => td_string!(locale, countries.in_co),
            "CR" => td_string!(locale, countries.in_cr),
            "CU" => td_string!(locale, countries.in_cu),
            "CV" => td_string!(locale, countries.in_cv),
            "CW" => td_string!(locale, countries.in_cw),
            "CX" => td_string!(locale, countries.in_cx),
            "CY" => td_string!(locale, countries.in_cy),
            "CZ" => td_string!(locale, countries.in_cz),
            "DE" => td_string!(locale, countries.in_de),
            "DJ" => td_string!(locale, countries.in_dj),
            "DK" => td_string!(locale, countries.in_dk),
            "DM" => td_string!(locale, countries.in_dm),
            "DO" => td_string!(locale, countries.in_do),
            "DZ" => td_string!(locale, countries.in_dz),
            "EC" => td_string!(locale, countries.in_ec),
            "EE" => td_string!(locale, countries.in_ee),
            "EG" => td_string!(locale, countries.in_eg),
            "EH" => td_string!(locale, countries.in_eh),
            "ER" => td_string!(locale, countries.in_er),
            "ES" => td_string!(locale, countries.in_es),
            "ET" => td_string!(locale, countries.in_et),
            "FI" => td_string!(locale, countries.in_fi),
            "FJ" => td_string!(locale, countries.in_fj),
            "FK" => td_string!(locale, countries.in_fk),
            "FM" => td_string!(locale, countries.in_fm),
            "FO" => td_string!(locale, countries.in_fo),
            "FR" => td_string!(locale, countries.in_fr),
            "GA" => td_string!(locale, countries.in_ga),
            "GB" => td_string!(locale, countries.in_gb),
            "GD" => td_string!(locale, countries.in_gd),
            "GE" => td_string!(locale, countries.in_ge),
            "GF" => td_string!(locale, countries.in_gf),
            "GG" => td_string!(locale, countries.in_gg),
            "GH" => td_string!(locale, countries.in_gh),
            "GI" => td_string!(locale, countries.in_gi),
            "GL" => td_string!(locale, countries.in_gl),
            "GM" => td_string!(locale, countries.in_gm),
            "GN" => td_string!(locale, countries.in_gn),
            "GP" => td_string!(locale, countries.in_gp),
            "GQ" => td_string!(locale, countries.in_gq),
            "GR" => td_string!(locale, countries.in_gr),
            "GS" => td_string!(locale, countries.in_gs),
            "GT" => td_string!(locale, countries.in_gt),
            "GU" => td_string!(locale, countries.in_gu),
            "GW" => td_string!(locale, countries.in_gw),
            "GY" => td_string!(locale, countries.in_gy),
            "HK" => td_string!(locale, countries.in_hk),
            "HM" => td_string!(locale, countries.in_hm),
            "HN" => td_string!(locale, countries.in_hn),
            "HR" => td_string!(locale, countries.in_hr),
            "HT" => td_string!(locale, countries.in_ht),
            "HU" => td_string!(locale, countries.in_hu),
            "ID" => td_string!(locale, countries.in_id),
            "IE" => td_string!(locale, countries.in_ie),
            "IL" => td_string!(locale, countries.in_il),
            "IM" => td_string!(locale, countries.in_im),
            "IN" => td_string!(locale, countries.in_in),
            "IO" => td_string!(locale, countries.in_io),
            "IQ" => td_string!(locale, countries.in_iq),
            "IR" => td_string!(locale, countries.in_ir),
            "IS" => td_string!(locale, countries.in_is),
            "IT" => td_string!(locale, countries.in_it),
            "JE" => td_string!(locale, countries.in_je),
            "JM" => td_string!(locale, countries.in_jm),
            "JO" => td_string!(locale, countries.in_jo),
            "JP" => td_string!(locale, countries.in_jp),
            "KE" => td_string!(locale, countries.in_ke),
            "KG" => td_string!(locale, countries.in_kg),
            "KH" => td_string!(locale, countries.in_kh),
            "KI" => td_string!(locale, countries.in_ki),
            "KM" => td_string!(locale, countries.in_km),
            "KN" => td_string!(locale, countries.in_kn),
            "KP" => td_string!(locale, countries.in_kp),
            "KR" => td_string!(locale, countries.in_kr),
            "KW" => td_string!(locale, countries.in_kw),
            "KY" => td_string!(locale, countries.in_ky),
            "KZ" => td_string!(locale, countries.in_kz),
            "LA" => td_string!(locale, countries.in_la),
            "LB" => td_string!(locale, countries.in_lb),
            "LC" => td_string!(locale, countries.in_lc),
            "LI" => td_string!(locale, countries.in_li),
            "LK" => td_string!(locale, countries.in_lk),
            "LR" => td_string!(locale, countries.in_lr),
            "LS" => td_string!(locale, countries.in_ls),
            "LT" => td_string!(locale, countries.in_lt),
            "LU" => td_string!(locale, countries.in_lu),
            "LV" => td_string!(locale, countries.in_lv),
            "LY" => td_string!(locale, countries.in_ly),
            "MA" => td_string!(locale, countries.in_ma),
            "MC" => td_string!(locale, countries.in_mc),
            "MD" => td_string!(locale, countries.in_md),
            "ME" => td_string!(locale, countries.in_me),
            "MF" => td_string!(locale, countries.in_mf),
            "MG" => td_string!(locale, countries.in_mg),
            "MH" => td_string!(locale, countries.in_mh),
            "MK" => td_string!(locale, countries.in_mk),
            "ML" => td_string!(locale, countries.in_ml),
            "MM" => td_string!(locale, countries.in_mm),
            "MN" => td_string!(locale, countries.in_mn),
            "MO" => td_string!(locale, countries.in_mo),
            "MP" => td_string!(locale, countries.in_mp),
            "MQ" => td_string!(locale, countries.in_mq),
            "MR" => td_string!(locale, countries.in_mr),
            "MS" => td_string!(locale, countries.in_ms),
            "MT" => td_string!(locale, countries.in_mt),
            "MU" => td_string!(locale, countries.in_mu),
            "MV" => td_string!(locale, countries.in_mv),
            "MW" => td_string!(locale, countries.in_mw),
            "MX" => td_string!(locale, countries.in_mx),
            "MY" => td_string!(locale, countries.in_my),
            "MZ" => td_string!(locale, countries.in_mz),
            "NA" => td_string!(locale, countries.in_na),
            "NC" => td_string!(locale, countries.in_nc),
            "NE" => td_string!(locale, countries.in_ne),
            "NF" => td_string!(locale, countries.in_nf),
            "NG" => td_string!(locale, countries.in_ng),
            "NI" => td_string!(locale, countries.in_ni),
            "NL" => td_string!(locale, countries.in_nl),
            "NO" => td_string!(locale, countries.in_no),
            "NP" => td_string!(locale, countries.in_np),
            "NR" => td_string!(locale, countries.in_nr),
            "NU" => td_string!(locale, countries.in_nu),
            "NZ" => td_string!(locale, countries.in_nz),
            "OM" => td_string!(locale, countries.in_om),
            "PA" => td_string!(locale, countries.in_pa),
            "PE" => td_string!(locale, countries.in_pe),
            "PF" => td_string!(locale, countries.in_pf),
            "PG" => td_string!(locale, countries.in_pg),
            "PH" => td_string!(locale, countries.in_ph),
            "PK" => td_string!(locale, countries.in_pk),
            "PL" => td_string!(locale, countries.in_pl),
            "PM" => td_string!(locale, countries.in_pm),
            "PN" => td_string!(locale, countries.in_pn),
            "PR" => td_string!(locale, countries.in_pr),
            "PS" => td_string!(locale, countries.in_ps),
            "PT" => td_string!(locale, countries.in_pt),
            "PW" => td_string!(locale, countries.in_pw),
            "PY" => td_string!(locale, countries.in_py),
            "QA" => td_string!(locale, countries.in_qa),
            "RE" => td_string!(locale, countries.in_re),
            "RO" => td_string!(locale, countries.in_ro),
            "RS" => td_string!(locale, countries.in_rs),
            "RU" => td_string!(locale, countries.in_ru),
            "RW" => td_string!(locale, countries.in_rw),
            "SA" => td_string!(locale, countries.in_sa),
            "SB" => td_string!(locale, countries.in_sb),
            "SC" => td_string!(locale, countries.in_sc),
            "SD" => td_string!(locale, countries.in_sd),
            "SE" => td_string!(locale, countries.in_se),
            "SG" => td_string!(locale, countries.in_sg),
            "SH" => td_string!(locale, countries.in_sh),
            "SI" => td_string!(locale, countries.in_si),
            "SJ" => td_string!(locale, countries.in_sj),
            "SK" => td_string!(locale, countries.in_sk),
            "SL" => td_string!(locale, countries.in_sl),
            "SM" => td_string!(locale, countries.in_sm),
            "SN" => td_string!(locale, countries.in_sn),
            "SO" => td_string!(locale, countries.in_so),
            "SR" => td_string!(locale, countries.in_sr),
            "SS" => td_string!(locale, countries.in_ss),
            "ST" => td_string!(locale, countries.in_st),
            "SV" => td_string!(locale, countries.in_sv),
            "SX" => td_string!(locale, countries.in_sx),
            "SY" => td_string!(locale, countries.in_sy),
            "SZ" => td_string!(locale, countries.in_sz),
            "TC" => td_string!(locale, countries.in_tc),
            "TD" => td_string!(locale, countries.in_td),
            "TF" => td_string!(locale, countries.in_tf),
            "TG" => td_string!(locale, countries.in_tg),
            "TH" => td_string!(locale, countries.in_th),
            "TJ" => td_string!(locale, countries.in_tj),
            "TK" => td_string!(locale, countries.in_tk),
            "TL" => td_string!(locale, countries.in_tl),
            "TM" => td_string!(locale, countries.in_tm),
            "TN" => td_string!(locale, countries.in_tn),
            "TO" => td_string!(locale, countries.in_to),
            "TR" => td_string!(locale, countries.in_tr),
            "TT" => td_string!(locale, countries.in_tt),
            "TV" => td_string!(locale, countries.in_tv),
            "TW" => td_string!(locale, countries.in_tw),
            "TZ" => td_string!(locale, countries.in_tz),
            "UA" => td_string!(locale, countries.in_ua),
            "UG" => td_string!(locale, countries.in_ug),
            "UM" => td_string!(locale, countries.in_um),
            "US" => td_string!(locale, countries.in_us),
            "UY" => td_string!(locale, countries.in_uy),
            "UZ" => td_string!(locale, countries.in_uz),
            "VA" => td_string!(locale, countries.in_va),
            "VC" => td_string!(locale, countries.in_vc),
            "VE" => td_string!(locale, countries.in_ve),
            "VG" => td_string!(locale, countries.in_vg),
            "VI" => td_string!(locale, countries.in_vi),
            "VN" => td_string!(locale, countries.in_vn),
            "VU" => td_string!(locale, countries.in_vu),
            "WF" => td_string!(locale, countries.in_wf),
            "WS" => td_string!(locale, countries.in_ws),
            "YE" => td_string!(locale, countries.in_ye),
            "YT" => td_string!(locale, countries.in_yt),
            "ZA" => td_string!(locale, countries.in_za),
            "ZM" => td_string!(locale, countries.in_zm),
            "ZW" => td_string!(locale, countries.in_zw),
            _ => self.name(),
        }
    }
}

impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("CountryCode").field(&self.as_str()).finish()
    }
}

impl std::str::FromStr for CountryCode {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for CountryCode {
    type Error = String;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl TryFrom<&str> for CountryCode {
    type Error = String;

    fn try_from(value: &str) -> Result<Self, Self::Error> {
        Self::parse(value)
    }
}

impl From<CountryCode> for String {
    fn from(code: CountryCode) -> Self {
        code.as_str().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_holds_the_249_official_codes_sorted_and_unique() {
        assert_eq!(ALL_COUNTRIES.len(), 249);
        for pair in ALL_COUNTRIES.windows(2) {
            assert!(
                pair[0].0 < pair[1].0,
                "{} must come before {}",
                pair[0].0,
                pair[1].0
            );
        }
        for (code, name) in ALL_COUNTRIES {
            assert_eq!(code.len(), 2);
            assert!(code.bytes().all(|b| b.is_ascii_uppercase()));
            assert!(!name.is_empty());
        }
    }

    #[test]
    fn every_listed_code_parses_back_to_itself_with_its_name() {
        for (code, name) in ALL_COUNTRIES {
            let parsed = CountryCode::parse(code).unwrap();
            assert_eq!(parsed.as_str(), *code);
            assert_eq!(parsed.name(), *name);
        }
    }

    #[test]
    fn parsing_trims_and_accepts_lower_case() {
        let fr = CountryCode::parse("  fr ").unwrap();
        assert_eq!(fr.as_str(), "FR");
        assert_eq!(fr.name(), "France");
        assert_eq!(fr.to_string(), "FR");
        assert_eq!(
            CountryCode::parse("Ae").unwrap().name(),
            "United Arab Emirates"
        );
    }

    #[test]
    fn unknown_codes_are_rejected_with_a_readable_sentence() {
        let cases = [
            ("XX", "“XX” is not an ISO 3166-1 country code."),
            ("UK", "“UK” is not an ISO 3166-1 country code; the United Kingdom is GB."),
            ("el", "“el” is not an ISO 3166-1 country code; Greece is GR."),
            (
                "France",
                "“France” is not an ISO 3166-1 country code; use the two-letter code, e.g. FR for France.",
            ),
            ("", "Enter a two-letter ISO 3166-1 country code, e.g. FR for France."),
            ("   ", "Enter a two-letter ISO 3166-1 country code, e.g. FR for France."),
        ];
        for (input, message) in cases {
            assert_eq!(
                CountryCode::parse(input).unwrap_err(),
                message,
                "input {input:?}"
            );
        }
    }

    #[test]
    fn codes_order_alphabetically() {
        let at = CountryCode::parse("AT").unwrap();
        let fr = CountryCode::parse("FR").unwrap();
        let us = CountryCode::parse("US").unwrap();
        assert!(at < fr && fr < us);
    }

    #[test]
    fn names_in_a_sentence_take_an_article_where_english_needs_one() {
        assert_eq!(
            CountryCode::parse("US").unwrap().name_in_sentence(),
            "the United States"
        );
        assert_eq!(
            CountryCode::parse("AE").unwrap().name_in_sentence(),
            "the United Arab Emirates"
        );
        assert_eq!(
            CountryCode::parse("FR").unwrap().name_in_sentence(),
            "France"
        );
        for code in NAMES_WITH_ARTICLE {
            assert!(
                CountryCode::parse(code).is_ok(),
                "{code} must be an ISO code"
            );
        }
    }

    #[test]
    fn french_names_take_the_preposition_and_article_french_needs() {
        let french = Locale::fr;
        let us = CountryCode::parse("US").unwrap();
        assert_eq!(us.name_in(french), "États-Unis");
        assert_eq!(us.name_in_sentence_in(french), "les États-Unis");
        assert_eq!(us.located_in(french), "aux États-Unis");
        assert_eq!(us.located_in(Locale::en), "in the United States");
        assert_eq!(
            CountryCode::parse("FR").unwrap().located_in(french),
            "en France"
        );
        assert_eq!(
            CountryCode::parse("CA").unwrap().located_in(french),
            "au Canada"
        );
        assert_eq!(
            CountryCode::parse("MC").unwrap().located_in(french),
            "à Monaco"
        );
        assert_eq!(
            CountryCode::parse("KR").unwrap().name_in(french),
            "Corée du Sud"
        );
        for (code, name) in ALL_COUNTRIES {
            let country = CountryCode::parse(code).unwrap();
            assert_eq!(country.name_in(Locale::en), *name);
            assert_eq!(
                country.name_in_sentence_in(Locale::en),
                country.name_in_sentence()
            );
            assert_eq!(
                country.located_in(Locale::en),
                format!("in {}", country.name_in_sentence())
            );
        }
    }

    #[test]
    fn it_converts_to_and_from_a_plain_string_as_serde_does() {
        let de = CountryCode::try_from("de".to_string()).unwrap();
        assert_eq!(String::from(de), "DE");
        assert!(CountryCode::try_from("ZZ".to_string()).is_err());
        assert_eq!(format!("{de:?}"), "CountryCode(\"DE\")");
    }

    #[test]
    fn serde_reads_a_plain_string_and_rejects_unknown_codes() {
        use serde::de::{value::Error, IntoDeserializer};
        let read = |text: &'static str| -> Result<CountryCode, Error> {
            CountryCode::deserialize(text.into_deserializer())
        };
        assert_eq!(read("fr").unwrap().as_str(), "FR");
        assert!(read("XX")
            .unwrap_err()
            .to_string()
            .contains("not an ISO 3166-1 country code"));
    }
}
