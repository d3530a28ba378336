#!/usr/bin/env python3
"""Generates N FHIR R4 Patients and Observations (half each), one JSON
document per line, deterministic (seed).  Usage: gen_resources.py N OUT"""
import json
import random
import sys

n, out = int(sys.argv[1]), sys.argv[2]
rnd = random.Random(20261121)
FAMILY = ['Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis',
          'Rodriguez', 'Martinez', 'Lindqvist', "O'Brien", 'Nguyen', 'Müller', 'Kowalski']
GIVEN = ['James', 'Mary', 'John', 'Patricia', 'Robert', 'Jennifer', 'Michael', 'Linda',
         'Åsa', 'Chidi', 'Zoë', 'Wei', 'Fatima', 'Olga', 'Pierre']
LOINC = [('8480-6', 'Systolic blood pressure', 'mm[Hg]', 90, 180),
         ('8462-4', 'Diastolic blood pressure', 'mm[Hg]', 50, 110),
         ('29463-7', 'Body weight', 'kg', 40, 140),
         ('8302-2', 'Body height', 'cm', 140, 200),
         ('2093-3', 'Cholesterol [Mass/volume] in Serum or Plasma', 'mg/dL', 120, 300),
         ('718-7', 'Hemoglobin [Mass/volume] in Blood', 'g/dL', 9, 18)]


def patient(i):
    y, m, d = rnd.randint(1930, 2020), rnd.randint(1, 12), rnd.randint(1, 28)
    return {
        'resourceType': 'Patient', 'id': 'p%d' % i,
        'meta': {'lastUpdated': '2026-11-%02dT10:%02d:00Z' % (rnd.randint(1, 20), rnd.randint(0, 59))},
        'identifier': [{'system': 'http://hospital.example/mrn', 'value': 'MRN%07d' % i},
                       {'system': 'http://hl7.org/fhir/sid/us-ssn', 'value': '%03d-%02d-%04d' % (
                           rnd.randint(100, 899), rnd.randint(1, 99), rnd.randint(1, 9999))}],
        'active': True,
        'name': [{'use': 'official', 'family': rnd.choice(FAMILY),
                  'given': [rnd.choice(GIVEN), rnd.choice(GIVEN)]}],
        'telecom': [{'system': 'phone', 'value': '(555) %03d-%04d' % (rnd.randint(100, 999), rnd.randint(0, 9999)), 'use': 'home'}],
        'gender': rnd.choice(['female', 'male', 'other', 'unknown']),
        'birthDate': '%04d-%02d-%02d' % (y, m, d),
        'address': [{'use': 'home', 'line': ['%d Main Street' % rnd.randint(1, 999)],
                     'city': rnd.choice(['Portland', 'Springfield', 'Salem', 'Eugene']),
                     'state': 'OR', 'postalCode': '97%03d' % rnd.randint(0, 999), 'country': 'US'}],
    }


def observation(i):
    code, display, unit, lo, hi = rnd.choice(LOINC)
    value = round(rnd.uniform(lo, hi), rnd.choice([0, 1, 2]))
    return {
        'resourceType': 'Observation', 'id': 'o%d' % i, 'status': 'final',
        'category': [{'coding': [{'system': 'http://terminology.hl7.org/CodeSystem/observation-category',
                                  'code': 'vital-signs', 'display': 'Vital Signs'}]}],
        'code': {'coding': [{'system': 'http://loinc.org', 'code': code, 'display': display}], 'text': display},
        'subject': {'reference': 'Patient/p%d' % rnd.randint(0, n)},
        'effectiveDateTime': '2026-%02d-%02dT%02d:%02d:00+01:00' % (
            rnd.randint(1, 11), rnd.randint(1, 28), rnd.randint(0, 23), rnd.randint(0, 59)),
        'issued': '2026-11-20T08:00:00.000Z',
        'valueQuantity': {'value': value, 'unit': unit, 'system': 'http://unitsofmeasure.org', 'code': unit},
    }


with open(out, 'w', encoding='utf-8') as fh:
    for i in range(n):
        doc = patient(i) if i % 2 == 0 else observation(i)
        fh.write(json.dumps(doc, ensure_ascii=False) + '\n')
