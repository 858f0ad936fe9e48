using Pixelated.MigrationPipeline.Components.Runs;
using Pixelated.MigrationPipeline.Ledger.Entities;

namespace Pixelated.MigrationPipeline.Components.Tests;

public sealed class RunReportCsvTests
{
    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    [InlineData("cr\rlf", "\"cr\rlf\"")]
    [InlineData("", "")]
    [InlineData(null, "")]
    [InlineData("=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\"")]
    [InlineData("+1", "'+1")]
    [InlineData("@sum", "'@sum")]
    public void Fields_are_quoted_as_rfc_4180_says_and_never_run_as_formulas(string? field, string expected) => Assert.Equal(expected, RunReportCsv.Quote(field));

    [Fact]
    public void A_report_has_a_header_a_row_per_user_per_problem_and_per_finding_with_crlf_line_ends_and_snake_case_statuses()
    {
        var report = new RunReport(Guid.NewGuid(), RunStatus.CompletedWithErrors, false, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow,
            new UserTotals(2, 1, 1, 0, 1), new ItemTotals(3, 2, 0, 1, 0), 10,
            [new UserLine("u1", UserStatus.Verified, 2, null) { ZepUserId = "zep-u1", Role = "patient", Updated = true },
             new UserLine("u,2", UserStatus.Mismatched, 1, "bad \"thing\"")],
            [new ItemProblem(ItemStatus.Failed, "u,2", "memory:m3", "exports/a.json", 7, "missing field user_id, record #7")],
            [new FindingLine("u,2", "memory:m2", "Missing", "episode")]);

        var csv = RunReportCsv.Write(report);

        Assert.Equal(
            "record,user,status,items,item_key,file,record_index,kind,field,reason,zep_user_id,role,updated\r\n" +
            "user,u1,verified,2,,,,,,,zep-u1,patient,true\r\n" +
            "user,\"u,2\",mismatched,1,,,,,,\"bad \"\"thing\"\"\",\"u,2\",,false\r\n" +
            "item,\"u,2\",failed,,memory:m3,exports/a.json,7,,,\"missing field user_id, record #7\",,,\r\n" +
            "finding,\"u,2\",,,memory:m2,,,Missing,episode,,,,\r\n", csv);
    }
}
