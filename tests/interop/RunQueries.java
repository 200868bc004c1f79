// Run SPARQL query files on one RDF file with Apache Jena ARQ, in one JVM (a helper for tests/interop).
// Usage: java -cp JENA_CLASSPATH RunQueries.java DATA_FILE QUERY_FILE...
// The default graph is the union of the file's default graph and its named graphs (as b12kg queries it).
// Each result is printed as "### <query file>" followed by ARQ's TSV output.
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.jena.query.Dataset;
import org.apache.jena.query.DatasetFactory;
import org.apache.jena.query.Query;
import org.apache.jena.query.QueryExecution;
import org.apache.jena.query.QueryExecutionFactory;
import org.apache.jena.query.QueryFactory;
import org.apache.jena.query.ResultSetFormatter;
import org.apache.jena.rdf.model.Model;
import org.apache.jena.rdf.model.ModelFactory;
import org.apache.jena.riot.Lang;
import org.apache.jena.riot.RDFLanguages;
import org.apache.jena.riot.RDFParser;

public class RunQueries {
    public static void main(String[] args) throws Exception {
        Dataset ds = DatasetFactory.create();
        // Jena 4.5's default JSON-LD 1.1 reader fails on plain JSON-LD files; its JSON-LD 1.0 reader works
        Lang lang = args[0].endsWith(".jsonld") ? RDFLanguages.nameToLang("JSONLD10") : RDFLanguages.filenameToLang(args[0]);
        RDFParser.source(args[0]).forceLang(lang).parse(ds.asDatasetGraph());
        Model union = ModelFactory.createUnion(ds.getDefaultModel(), ds.getUnionModel());
        for (int i = 1; i < args.length; i++) {
            Query query = QueryFactory.create(Files.readString(Path.of(args[i])));
            try (QueryExecution exec = QueryExecutionFactory.create(query, union)) {
                System.out.println("### " + args[i]);
                ResultSetFormatter.outputAsTSV(System.out, exec.execSelect());
            }
        }
    }
}
