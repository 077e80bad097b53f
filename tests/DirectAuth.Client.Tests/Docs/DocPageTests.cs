namespace DirectAuth.Client.Tests.Docs;

/// <summary>The docs test's reading of a page: which blocks run how, and when an output matches what the page shows.</summary>
public sealed class DocPageTests
{
    [Fact]
    public void Parse_FindsBlocksTheirOutputsAndMarks()
    {
        var steps = DocPage.Parse("""
            # Page

            <!-- run: server -->
            ```bash
            scripts/run --demo
            ```

            ```bash
            echo hi
            ```

            ```
            hi
            ```

            <!-- run: skip -->
            ```bash
            read -p "press Enter"
            ```

            ```json
            {"not":"run"}
            ```
            """);
        Assert.Equal([StepKind.Server, StepKind.Run, StepKind.Skip], steps.Select(s => s.Kind));
        Assert.Equal("echo hi", steps[1].Code);
        Assert.Equal("hi", steps[1].Expected);
        Assert.Null(steps[0].Expected);
        Assert.Null(steps[2].Expected);
    }

    [Fact]
    public void Parse_TwoOutputBlocksUnderOneCommand_AreOneOutput()
    {
        var steps = DocPage.Parse("```bash\necho a; echo b\n```\n\n```json\na\n```\n```\nb\n```\n\nText.\n\n```\nnot output\n```\n");
        Assert.Equal("a\nb", steps.Single().Expected);
    }

    [Fact]
    public void Parse_BackgroundInstead_KeepsTheScriptedCommand()
    {
        var steps = DocPage.Parse("<!-- run: background instead: listen --approve-next -->\n```bash\nlisten\n```\n");
        Assert.Equal(StepKind.Background, steps[0].Kind);
        Assert.Equal("listen --approve-next", steps[0].Instead);
    }

    [Theory]
    [InlineData("{\"oob_code\": \"n0o...\", \"interval\": 5}", "{\"oob_code\": \"abcdef\", \"interval\": 5}", true)]
    [InlineData("{\"oob_code\": \"n0o...\", \"interval\": 5}", "{\"oob_code\": \"abcdef\", \"interval\": 6}", false)]
    [InlineData("Factor … is ACTIVE.", "Factor uft123 is ACTIVE.", true)]
    [InlineData("Factor … is ACTIVE.", "Factor uft123 is PENDING_ACTIVATION.", false)]
    [InlineData("first\n…\nlast", "first\na\nb\nc\nlast", true)]
    [InlineData("first\n…\nlast", "first\na\nb\nc", false)]
    [InlineData("│ rul…   │ always │", "│ rulAbc123 │ always       │", true)]
    [InlineData("204", "204\n500", false)]
    [InlineData("{\"a\":1}", "{\"a\":1}\n\n", true)]
    public void Matches_ElisionsAndSpacing(string expected, string actual, bool matches) =>
        Assert.Equal(matches, DocPage.Matches(expected, actual));
}
