package io.mongosteward.plan;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class QuotingTest {
  @Test
  void plainNamesPrintAsTheyAre() {
    assertThat(Quoting.name("post_id_unique")).isEqualTo("post_id_unique");
    assertThat(Quoting.name("über.straße-1")).isEqualTo("über.straße-1");
  }

  @Test
  void aNameThatCouldForgeALogLineIsQuotedAndEscaped() {
    String forged = "x\n12:00:00.000 INFO  MongoSchemaReconciler - reconciled bots/bot";
    String quoted = Quoting.name(forged);
    assertThat(quoted).doesNotContain("\n").startsWith("\"x\\n12:00").endsWith("bots/bot\"");
    assertThat(Quoting.name("a\rb\tc")).isEqualTo("\"a\\rb\\tc\"");
    assertThat(Quoting.name("bell\u0007")).isEqualTo("\"bell\\u0007\"");
    assertThat(Quoting.name("line\u2028sep")).isEqualTo("\"line\\u2028sep\"");
    assertThat(Quoting.name("zero\u200bwidth")).isEqualTo("\"zero\\u200bwidth\"");
  }

  @Test
  void quotesSpacesAndEmptyNamesAreQuotedToo() {
    assertThat(Quoting.name("my index")).isEqualTo("\"my index\"");
    assertThat(Quoting.name("say \"hi\"")).isEqualTo("\"say \\\"hi\\\"\"");
    assertThat(Quoting.name("")).isEqualTo("\"\"");
  }

  @Test
  void actionsNameTheirSubjectQuoted() {
    assertThat(new Action.DropIndex("posts", "evil\nname", "x").subject()).isEqualTo("posts.\"evil\\nname\"");
    assertThat(new Action.Claim("posts", "", "collection:posts", new Owner("a", "b", null)).subject()).isEqualTo("posts");
  }
}
