package se.goteborg.opendata.solr;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

import org.apache.solr.embedded.JettyConfig;
import org.apache.solr.embedded.JettySolrRunner;

/**
 * Starts a real Apache Solr (the version on the classpath) with the embedded
 * Jetty runner, serving the given Solr home on 127.0.0.1 under /solr.
 *
 * Usage: SolrLauncher SOLR_HOME PORT
 *
 * The process runs until it is sent SIGTERM; the shutdown hook stops Jetty and
 * closes the cores cleanly, so the index is committed before the JVM exits.
 */
public final class SolrLauncher {

  private SolrLauncher() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: SolrLauncher SOLR_HOME PORT");
      System.exit(2);
    }
    Path solrHome = Path.of(args[0]).toAbsolutePath();
    int port = Integer.parseInt(args[1]);
    if (!Files.isRegularFile(solrHome.resolve("solr.xml"))) {
      System.err.println("no solr.xml in " + solrHome);
      System.exit(2);
    }

    JettyConfig config =
        JettyConfig.builder()
            .setPort(port)
            .setContext("/solr")
            // Our own shutdown hook stops the runner; Jetty's would race it.
            .stopAtShutdown(false)
            .build();
    JettySolrRunner solr = new JettySolrRunner(solrHome.toString(), config);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    solr.stop();
                  } catch (Exception e) {
                    e.printStackTrace();
                  } finally {
                    stopped.countDown();
                  }
                }));

    solr.start();
    System.out.println(
        "Solr " + org.apache.solr.client.api.util.SolrVersion.LATEST + " listening on " + solr.getBaseUrl());
    stopped.await();
  }
}
