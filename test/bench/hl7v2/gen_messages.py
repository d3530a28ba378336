#!/usr/bin/python3
"""Deterministic generator of realistic HL7 v2.5.1 messages for the benchmark.

usage: gen_messages.py OUTDIR [COUNT=100000] [SEED=20240601]

Writes OUTDIR/hl7v2_messages.copy (one message per line in COPY text format:
id, message with CR segment terminators escaped as \\r) and
OUTDIR/hl7v2_messages.hl7 (the same messages concatenated, each segment
ended by CR: a batch file the C core benchmark and python3-hl7 read).

Mix: 25% ADT^A01, 25% ADT^A08, 50% ORU^R01.  PID is the 2nd segment of every
message; every message has at least 2 OBX segments (ADT: 2-4 observations
such as height/weight, ORU: 6-24 lab results).  PID-8 is F, M or U
(about 48/48/4%).  Some values carry escape sequences (\\T\\, \\S\\, \\F\\),
repetitions (PID-3, PID-13) and subcomponents (PID-3.4).
"""

import os
import random
import sys

FAMILY = ["SMITH", "JOHNSON", "WILLIAMS", "BROWN", "JONES", "GARCIA", "MILLER", "DAVIS",
          "RODRIGUEZ", "MARTINEZ", "HERNANDEZ", "LOPEZ", "GONZALEZ", "WILSON", "ANDERSON",
          "THOMAS", "TAYLOR", "MOORE", "JACKSON", "MARTIN", "LEE", "PEREZ", "THOMPSON",
          "WHITE", "HARRIS", "SANCHEZ", "CLARK", "RAMIREZ", "LEWIS", "ROBINSON", "O'BRIEN",
          "MUELLER", "NGUYEN", "KOWALSKI", "DUBOIS", "ROSSI", "SILVA", "KIM", "PATEL", "COHEN"]
GIVEN_F = ["MARY", "PATRICIA", "JENNIFER", "LINDA", "ELIZABETH", "BARBARA", "SUSAN", "JESSICA",
           "SARAH", "KAREN", "NANCY", "LISA", "MARGARET", "SANDRA", "ASHLEY", "EMILY", "ANNA"]
GIVEN_M = ["JAMES", "ROBERT", "JOHN", "MICHAEL", "DAVID", "WILLIAM", "RICHARD", "JOSEPH",
           "THOMAS", "CHARLES", "CHRISTOPHER", "DANIEL", "MATTHEW", "ANTHONY", "MARK", "PAUL"]
STREETS = ["MAIN ST", "OAK AVE", "PINE RD", "MAPLE DR", "CEDAR LN", "ELM ST", "LAKE VIEW BLVD",
           "HILLCREST DR", "WASHINGTON AVE", "PARK PL", "RIVER RD", "SUNSET BLVD"]
CITIES = [("SPRINGFIELD", "IL", "627"), ("MADISON", "WI", "537"), ("FRANKLIN", "TN", "370"),
          ("GREENVILLE", "SC", "296"), ("BRISTOL", "CT", "060"), ("SALEM", "OR", "973"),
          ("FAIRVIEW", "NJ", "070"), ("CLINTON", "IA", "527"), ("ARLINGTON", "VA", "222")]
# (LOINC, name, unit, low, high, decimals)
LABS = [("2345-7", "Glucose [Mass/volume] in Serum or Plasma", "mg/dL", 70, 99, 0),
        ("2160-0", "Creatinine [Mass/volume] in Serum or Plasma", "mg/dL", 0.6, 1.3, 2),
        ("3094-0", "Urea nitrogen [Mass/volume] in Serum or Plasma", "mg/dL", 7, 20, 0),
        ("2951-2", "Sodium [Moles/volume] in Serum or Plasma", "mmol/L", 136, 145, 0),
        ("2823-3", "Potassium [Moles/volume] in Serum or Plasma", "mmol/L", 3.5, 5.1, 1),
        ("2075-0", "Chloride [Moles/volume] in Serum or Plasma", "mmol/L", 98, 107, 0),
        ("2028-9", "Carbon dioxide, total [Moles/volume] in Serum or Plasma", "mmol/L", 22, 29, 0),
        ("17861-6", "Calcium [Mass/volume] in Serum or Plasma", "mg/dL", 8.6, 10.3, 1),
        ("2885-2", "Protein [Mass/volume] in Serum or Plasma", "g/dL", 6.0, 8.3, 1),
        ("1751-7", "Albumin [Mass/volume] in Serum or Plasma", "g/dL", 3.5, 5.0, 1),
        ("1975-2", "Bilirubin.total [Mass/volume] in Serum or Plasma", "mg/dL", 0.1, 1.2, 1),
        ("6768-6", "Alkaline phosphatase [Enzymatic activity/volume] in Serum or Plasma", "U/L", 44, 147, 0),
        ("1742-6", "Alanine aminotransferase [Enzymatic activity/volume] in Serum or Plasma", "U/L", 7, 56, 0),
        ("1920-8", "Aspartate aminotransferase [Enzymatic activity/volume] in Serum or Plasma", "U/L", 10, 40, 0),
        ("6690-2", "Leukocytes [#/volume] in Blood by Automated count", "10*3/uL", 4.5, 11.0, 1),
        ("789-8", "Erythrocytes [#/volume] in Blood by Automated count", "10*6/uL", 4.2, 5.9, 2),
        ("718-7", "Hemoglobin [Mass/volume] in Blood", "g/dL", 12.0, 17.5, 1),
        ("4544-3", "Hematocrit [Volume Fraction] of Blood by Automated count", "%", 36, 50, 1),
        ("777-3", "Platelets [#/volume] in Blood by Automated count", "10*3/uL", 150, 400, 0),
        ("2093-3", "Cholesterol [Mass/volume] in Serum or Plasma", "mg/dL", 125, 200, 0),
        ("2571-8", "Triglyceride [Mass/volume] in Serum or Plasma", "mg/dL", 40, 150, 0),
        ("4548-4", "Hemoglobin A1c/Hemoglobin.total in Blood", "%", 4.0, 5.6, 1)]
COMMENTS = ["Specimen slightly hemolyzed; potassium may be falsely elevated.",
            "Result verified by repeat analysis.",
            "Fasting status unknown \\T\\ sample drawn at 07:45.",
            "Reference range updated 2023-01-01; see lab handbook section 4\\S\\2.",
            "Critical value called to RN J. DOE at 10:32, read back confirmed.",
            "Non-fasting specimen."]
SEX = ["F"] * 48 + ["M"] * 48 + ["U"] * 4


def ts(r, year_lo=2023, year_hi=2024):
    return "%04d%02d%02d%02d%02d%02d" % (r.randint(year_lo, year_hi), r.randint(1, 12),
                                         r.randint(1, 28), r.randint(0, 23), r.randint(0, 59),
                                         r.randint(0, 59))


def patient(r, n):
    sex = r.choice(SEX)
    given = r.choice(GIVEN_F if sex == "F" else GIVEN_M if sex == "M" else GIVEN_F + GIVEN_M)
    family = r.choice(FAMILY)
    city, state, zip3 = r.choice(CITIES)
    mrn = "%08d" % (1000000 + n)
    dob = "%04d%02d%02d" % (r.randint(1930, 2020), r.randint(1, 12), r.randint(1, 28))
    pid3 = "%s^^^HOSP^MR" % mrn
    if r.random() < 0.5:
        pid3 += "~%09d^^^SSA&2.16.840.1.113883.4.1&ISO^SS" % r.randint(100000000, 899999999)
    phone = "^PRN^PH^^1^%03d^%07d" % (r.randint(200, 989), r.randint(2000000, 9999999))
    if r.random() < 0.4:
        phone += "~^NET^Internet^%s.%s@example.org" % (given.lower(), family.lower().replace("'", ""))
    pid = "|".join([
        "PID", "1", "", pid3, "",
        "%s^%s^%s^^^^L" % (family, given, r.choice("ABCDEFGHJKLMNPRSTW")),
        "%s^^^^^^M" % r.choice(FAMILY), dob, sex, "",
        r.choice(["2106-3^White^CDCREC", "2054-5^Black or African American^CDCREC",
                  "2028-9^Asian^CDCREC", "2131-1^Other Race^CDCREC"]),
        "%d %s^APT %d^%s^%s^%s%02d^USA^H" % (r.randint(1, 9999), r.choice(STREETS),
                                             r.randint(1, 40), city, state, zip3, r.randint(0, 99)),
        "", phone, "", "EN^English^ISO639", r.choice(["M", "S", "D", "W"]), "",
        "%010d" % r.randint(0, 9999999999)])
    return pid, sex


def msh(r, typ, n):
    return "|".join(["MSH", "^~\\&", r.choice(["EPIC", "CERNER", "MEDITECH", "LABSYS"]),
                     r.choice(["GENHOSP^1.2.840.114350^ISO", "STMARY", "CITYLAB"]),
                     "CLINREPO", "HIE", ts(r), "", typ, "MSG%09d" % n, "P", "2.5.1", "", "",
                     "AL", "NE", "USA", "UNICODE UTF-8"])


def pv1(r):
    return "|".join(["PV1", "1", r.choice(["I", "O", "E"]),
                     "%s^%d^%d^GENHOSP^^^^^%s" % (r.choice(["ICU", "MED", "SURG", "ER"]),
                                                   r.randint(100, 599), r.randint(1, 4),
                                                   r.choice(["NORTH", "SOUTH"])),
                     r.choice(["E", "R", "U"]), "", "",
                     "%d^%s^%s^^^DR^^^NPI" % (r.randint(1000000000, 1999999999), r.choice(FAMILY),
                                              r.choice(GIVEN_F + GIVEN_M)),
                     "", "", r.choice(["MED", "SUR", "CAR"]), "", "", "", "", "", "", "", "",
                     "V%09d" % r.randint(0, 999999999), "", "", "", "", "", "", "", "", "", "",
                     "", "", "", "", "", "", "", "", "", "", "", "", "", ts(r)])


def obx_num(r, k, lab):
    code, name, unit, lo, hi, dec = lab
    v = r.uniform(lo * 0.7, hi * 1.3)
    val = ("%." + str(dec) + "f") % v
    flag = "H" if v > hi else "L" if v < lo else "N"
    rng = ("%." + str(dec) + "f-%." + str(dec) + "f") % (lo, hi)
    return "|".join(["OBX", str(k), "NM", "%s^%s^LN" % (code, name), "", val,
                     "%s^%s^UCUM" % (unit, unit), rng, flag, "", "", "F", "", "", ts(r), "",
                     "", "", "", ts(r)])


def adt(r, n, event):
    pid, sex = patient(r, n)
    segs = [msh(r, "ADT^%s^ADT_A01" % event, n), pid,
            "PD1|||GENERAL CLINIC^^1234|%d^%s^%s" % (r.randint(1000, 9999), r.choice(FAMILY),
                                                    r.choice(GIVEN_F + GIVEN_M)),
            "EVN|%s|%s||||%s" % (event, ts(r), ts(r)),
            "NK1|1|%s^%s|%s^%s^HL70063|%d %s^^%s^%s" % (
                r.choice(FAMILY), r.choice(GIVEN_F + GIVEN_M),
                r.choice(["SPO", "MTH", "FTH", "CHD"]), r.choice(["Spouse", "Mother", "Father", "Child"]),
                r.randint(1, 999), r.choice(STREETS), *r.choice(CITIES)[:2]),
            pv1(r)]
    k = 0
    for name, unit, lo, hi in [("8302-2^Body height^LN", "cm", 150, 195),
                               ("29463-7^Body weight^LN", "kg", 45, 120),
                               ("8867-4^Heart rate^LN", "/min", 55, 100),
                               ("8310-5^Body temperature^LN", "Cel", 36, 38)][:r.randint(2, 4)]:
        k += 1
        segs.append("OBX|%d|NM|%s||%.1f|%s^%s^UCUM|||||F|||%s" % (k, name, r.uniform(lo, hi),
                                                                unit, unit, ts(r)))
    for a in range(r.randint(0, 3)):
        segs.append("AL1|%d|DA|%s|%s|%s" % (a + 1, r.choice(["70618^Penicillin^RXNORM",
                                                              "2670^Codeine^RXNORM",
                                                              "1191^Aspirin^RXNORM",
                                                              "Z91.010^Peanut allergy^I10"]),
                                            r.choice(["SV", "MO", "MI"]),
                                            r.choice(["HIVES", "ANAPHYLAXIS", "RASH~ITCHING"])))
    for d in range(r.randint(1, 3)):
        segs.append("DG1|%d||%s|||%s" % (d + 1, r.choice(["I10^Essential hypertension^I10",
                                                          "E11.9^Type 2 diabetes mellitus^I10",
                                                          "J18.9^Pneumonia, unspecified^I10",
                                                          "N17.9^Acute kidney failure^I10"]),
                                         r.choice(["A", "W", "F"])))
    segs.append("IN1|1|%s|%d|%s|PO BOX %d^^%s^%s" % (r.choice(["BCBS", "AETNA", "MEDICARE"]),
                                                     r.randint(1000, 9999), r.choice(["BLUE CROSS",
                                                                                      "AETNA INC",
                                                                                      "CMS"]),
                                                     r.randint(100, 9999), *r.choice(CITIES)[:2]))
    return segs


def oru(r, n):
    pid, sex = patient(r, n)
    placer = "ORD%08d" % r.randint(0, 99999999)
    segs = [msh(r, "ORU^R01^ORU_R01", n), pid, pv1(r),
            "ORC|RE|%s^EPIC|%s^LAB||CM||||%s|||%d^%s^%s^^^DR" % (
                placer, "F%08d" % n, ts(r), r.randint(1000000000, 1999999999),
                r.choice(FAMILY), r.choice(GIVEN_F + GIVEN_M)),
            "OBR|1|%s^EPIC|F%08d^LAB|%s|||%s|||||||%s|BLD^Blood^HL70487|%d^%s^%s^^^DR||||||%s|||F" % (
                placer, n, r.choice(["24323-8^Comprehensive metabolic panel^LN",
                                     "58410-2^CBC panel - Blood by Automated count^LN",
                                     "24331-1^Lipid panel^LN"]),
                ts(r), ts(r), r.randint(1000000000, 1999999999), r.choice(FAMILY),
                r.choice(GIVEN_F + GIVEN_M), ts(r))]
    labs = r.sample(LABS, r.randint(6, min(22, len(LABS))))
    for k, lab in enumerate(labs, 1):
        segs.append(obx_num(r, k, lab))
        if r.random() < 0.08:
            segs.append("NTE|%d|L|%s" % (k, r.choice(COMMENTS)))
    if r.random() < 0.3:
        k = len(labs) + 1
        segs.append("OBX|%d|TX|11502-2^Laboratory report^LN||%s||||||F" % (
            k, "~".join(r.choice(COMMENTS) for _ in range(r.randint(1, 3)))))
    segs.append("SPM|1|%s^EPIC||%s|||||||||||||%s|%s" % (
        "S%08d" % n, r.choice(["119297000^Blood specimen^SCT", "119364003^Serum specimen^SCT"]),
        ts(r), ts(r)))
    return segs


def main():
    outdir = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 100000
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 20240601
    r = random.Random(seed)
    os.makedirs(outdir, exist_ok=True)
    total = 0
    with open(os.path.join(outdir, "hl7v2_messages.copy.tmp"), "w", encoding="utf-8") as cp, \
            open(os.path.join(outdir, "hl7v2_messages.hl7.tmp"), "w", encoding="utf-8",
                 newline="") as raw:
        for n in range(1, count + 1):
            u = r.random()
            segs = adt(r, n, "A01") if u < 0.25 else adt(r, n, "A08") if u < 0.5 else oru(r, n)
            msg = "\r".join(segs) + "\r"
            total += len(msg.encode("utf-8"))
            raw.write(msg)
            cp.write("%d\t%s\n" % (n, msg.replace("\\", "\\\\").replace("\r", "\\r")))
    for ext in ("copy", "hl7"):
        os.replace(os.path.join(outdir, "hl7v2_messages.%s.tmp" % ext),
                   os.path.join(outdir, "hl7v2_messages.%s" % ext))
    print("generated %d messages, %.1f MB, average %.0f bytes (seed %d)"
          % (count, total / 1e6, total / count, seed))


if __name__ == "__main__":
    main()
