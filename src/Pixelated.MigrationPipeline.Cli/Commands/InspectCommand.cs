using Pixelated.MigrationPipeline.Cli.Output;
using System.CommandLine;
using System.Text.Json;
using Pixelated.MigrationPipeline.Mem0;
using Spectre.Console;

namespace Pixelated.MigrationPipeline.Cli.Commands;

/// <summary>
/// <c>inspect &lt;file-or-folder&gt;... [--json] [--assign-user ID]</c>: the preflight. Reads the exports without writing
/// anything anywhere and prints the detected format, users, items by kind, date range and every problem found.
/// Exit code 0 when nothing is wrong, 3 when problems were found, 1 when it could not run.
/// </summary>
public static class InspectCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var paths = new Argument<string[]>("paths") { Description = "mem0 export files or folders", Arity = ArgumentArity.OneOrMore };
        var json = new Option<bool>("--json") { Description = "Print the inspection as JSON" };
        var assignUser = new Option<string?>("--assign-user") { Description = "User id for records of formats that carry none" };

        var command = new Command("inspect", "Preflight: read exports without writing anything and report what a migration would find") { paths, json, assignUser };
        command.SetAction(async (result, ct) =>
        {
            var given = result.GetValue(paths)!;
            var missing = given.Where(p => !File.Exists(p) && !Directory.Exists(p)).ToList();
            if (missing.Count > 0)
            {
                await error.WriteLineAsync($"error: not found: {string.Join(", ", missing)}");
                return ExitCodes.CouldNotRun;
            }
            var files = Components.Staging.ExportFiles.Expand(given);
            var inspector = new Mem0ExportInspector(new Mem0ReaderOptions { FallbackUserId = result.GetValue(assignUser) });
            var report = await inspector.InspectAsync(files, ct);
            if (result.GetValue(json))
                await output.WriteLineAsync(JsonSerializer.Serialize(report, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true }));
            else
                Print(report, output);
            return report.TotalProblems == 0 && !ZepLimitProblems(report).Any() ? ExitCodes.Success : ExitCodes.FinishedWithErrors;
        });
        return command;
    }

    /// <summary>What the readers accept but Zep would refuse (CONTRACT §8): user ids over 500 characters.</summary>
    private static IEnumerable<string> ZepLimitProblems(InspectionReport report) =>
        report.Files.SelectMany(f => f.Users
            .Where(u => u.UserId.Length > Components.Staging.StagedItemFactory.MaxZepUserIdLength)
            .Select(u => $"{Path.GetFileName(f.Path)}: a user id of {u.UserId.Length} characters exceeds Zep's {Components.Staging.StagedItemFactory.MaxZepUserIdLength}; its {u.Memories + u.Messages} item(s) will fail"));

    private static string Shown(string userId) => userId.Length <= 60 ? userId : $"{userId[..40]}… ({userId.Length} characters)";

    private static void Print(InspectionReport report, TextWriter output)
    {
        var console = TableConsole.For(output);
        foreach (var file in report.Files)
        {
            console.MarkupLine($"[bold]{Markup.Escape(Path.GetFileName(file.Path))}[/]  format {Markup.Escape(file.Format.ToString())}  " +
                               $"dates {file.FirstCreatedAt:yyyy-MM-dd} .. {file.LastCreatedAt:yyyy-MM-dd}");
            var users = new Table().AddColumns("user", "memories", "messages");
            foreach (var u in file.Users) users.AddRow(Markup.Escape(Shown(u.UserId)), $"{u.Memories}", $"{u.Messages}");
            console.Write(users);
            foreach (var (reason, count) in file.InactiveByReason) console.MarkupLine($"  inactive ({Markup.Escape(reason)}): {count}");
            foreach (var problem in file.Problems) console.MarkupLine($"  [red]problem[/] {Markup.Escape(problem)}");
        }
        var limits = ZepLimitProblems(report).ToList();
        foreach (var problem in limits) console.MarkupLine($"  [red]problem[/] {Markup.Escape(problem)}");
        console.MarkupLine($"[bold]{report.TotalItems}[/] items, [bold]{report.TotalProblems + limits.Count}[/] problems in {report.Files.Count} file(s)");
    }
}
