// Run SPARQL query files on RDF files with Apache Jena ARQ, all in one JVM (a helper for tests/interop).
// Usage: java -cp JENA_CLASSPATH RunQueries.java DATA_FILE[:DATA_FILE...] QUERY_FILE...
// Each data file is loaded on its own; its default graph for the queries is the union of the file's
// default graph and its named graphs (as b12kg queries it). Each result is printed as
// "### <data file> <query file>" followed by ARQ's TSV output.
import java.io.File;
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
        for (String data : args[0].split(File.pathSeparator)) {
            Dataset ds = DatasetFactory.create();
            // Jena 4.5's default JSON-LD 1.1 reader fails on plain JSON-LD files; its JSON-LD 1.0 reader works
            Lang lang = data.endsWith(".jsonld") ? RDFLanguages.nameToLang("JSONLD10") : RDFLanguages.filenameToLang(data);
            RDFParser.source(data).forceLang(lang).parse(ds.asDatasetGraph());
            Model union = ModelFactory.createUnion(ds.getDefaultModel(), ds.getUnionModel());
            for (int i = 1; i < args.length; i++) {
                Query query = QueryFactory.create(Files.readString(Path.of(args[i])));
                try (QueryExecution exec = QueryExecutionFactory.create(query, union)) {
                    System.out.println("### " + data + " " + args[i]);
                    ResultSetFormatter.outputAsTSV(System.out, exec.execSelect());
                }
            }
        }
    }
}
