using Pixelated.MigrationPipeline.Cli.Output;
using System.CommandLine;
using System.Text.Json;
using Pixelated.MigrationPipeline.Components.Users;
using Pixelated.MigrationPipeline.Mem0;
using Spectre.Console;

namespace Pixelated.MigrationPipeline.Cli.Commands;

/// <summary>
/// <c>inspect &lt;file-or-folder&gt;... [--json] [--assign-user ID] [--users FILE] [--user-prefix PREFIX]</c>: the preflight.
/// Reads the exports (and the users file) without writing anything anywhere and prints the detected format, users, items by
/// kind, date range, each user's Zep id, role and users file row, and every problem found.
/// Exit code 0 when nothing is wrong, 3 when problems were found, 1 when it could not run.
/// With <c>--diff</c> (<c>inspect OLD NEW --diff</c>) or <c>--diff-against RUN</c> it previews a sync instead (<see cref="InspectDiff"/>).
/// </summary>
public static class InspectCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var paths = new Argument<string[]>("paths") { Description = "mem0 export files or folders", Arity = ArgumentArity.OneOrMore };
        var json = new Option<bool>("--json") { Description = "Print the inspection as JSON" };
        var assignUser = new Option<string?>("--assign-user") { Description = "User id for records of formats that carry none" };
        var usersFile = UsersOptions.UsersFile();
        var userPrefix = UsersOptions.UserPrefix();
        var diff = new Option<bool>("--diff") { Description = "Preview a sync: compare two exports, OLD NEW (each a file or a folder), per user" };
        var diffAgainst = new Option<Guid?>("--diff-against") { Description = "Preview a sync: compare the export with what run RUN (and the syncs before it) migrated" };
        var fullExport = SyncOptions.FullExport();
        var bus = CommonOptions.Bus();
        bus.Description = "With --diff-against: which ledger holds the run (inmemory: the SQLite file; rabbitmq: PostgreSQL)";

        var command = new Command("inspect", "Preflight: read exports without writing anything and report what a migration would find, or preview a sync")
            { paths, json, assignUser, usersFile, userPrefix, diff, diffAgainst, fullExport, bus };
        command.SetAction(async (result, ct) =>
        {
            var given = result.GetValue(paths)!;
            var missing = given.Where(p => !File.Exists(p) && !Directory.Exists(p)).ToList();
            if (missing.Count > 0)
            {
                await error.WriteLineAsync($"error: not found: {string.Join(", ", missing)}");
                return ExitCodes.CouldNotRun;
            }
            var against = result.GetValue(diffAgainst);
            if (result.GetValue(diff) || against is not null || result.GetValue(fullExport))
                return await PreviewSyncAsync(given, result.GetValue(diff), against, result.GetValue(assignUser), result.GetValue(fullExport),
                    result.GetValue(json), result.GetValue(bus)!, output, error, ct);
            var usersPath = result.GetValue(usersFile) is { Length: > 0 } f ? f : null;
            var prefix = result.GetValue(userPrefix) is { Length: > 0 } p ? p : null;
            var (ok, users) = await UsersOptions.CheckAsync(usersPath, prefix, error, warn: false);
            if (!ok) return ExitCodes.CouldNotRun;

            var files = Components.Staging.ExportFiles.Expand(given, usersPath);
            var roles = new RoleTally();
            var inspector = new Mem0ExportInspector(new Mem0ReaderOptions { FallbackUserId = result.GetValue(assignUser) });
            var report = await inspector.InspectAsync(files, ct, item => roles.Observe(item.UserId, item.CreatedAt,
                item.Metadata is { ValueKind: JsonValueKind.Object } m ? m.GetRawText() : null));
            var inspected = InspectUsers(report, roles, users, prefix);
            if (result.GetValue(json))
                await output.WriteLineAsync(JsonSerializer.Serialize(new
                {
                    report.Files, report.TotalItems, report.TotalProblems,
                    Users = inspected.Users,
                    UsersFile = users is null ? null : new
                    {
                        users.FileName,
                        Rows = users.Rows.Count,
                        UnmatchedRows = inspected.UnmatchedRows,
                        Problems = users.Problems.Select(x => new { x.Row, x.Field, x.Reason, Text = users.Describe(x) }),
                    },
                }, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true }));
            else
                Print(report, inspected, users, output);
            var clean = report.TotalProblems == 0 && !ZepLimitProblems(report).Any()
                        && (users?.Problems.Count ?? 0) == 0 && inspected.Users.All(u => u.Problem is null);
            return clean ? ExitCodes.Success : ExitCodes.FinishedWithErrors;
        });
        return command;
    }

    private static async Task<int> PreviewSyncAsync(string[] paths, bool diff, Guid? against, string? assignUser, bool fullExport, bool json,
        string bus, TextWriter output, TextWriter error, CancellationToken ct)
    {
        if (diff && against is not null)
        {
            await error.WriteLineAsync("error: use either --diff OLD NEW or NEW --diff-against RUN");
            return ExitCodes.CouldNotRun;
        }
        if (against is { } runId)
            return await InspectDiff.AgainstRunAsync(paths, runId, assignUser, fullExport, json, bus, output, error, ct);
        if (!diff)
        {
            await error.WriteLineAsync("error: --full-export applies to a sync preview: --diff OLD NEW, or NEW --diff-against RUN");
            return ExitCodes.CouldNotRun;
        }
        if (paths.Length != 2)
        {
            await error.WriteLineAsync("error: --diff compares two exports: OLD NEW (each a file or a folder)");
            return ExitCodes.CouldNotRun;
        }
        return await InspectDiff.TwoExportsAsync(paths[0], paths[1], assignUser, fullExport, json, output, ct);
    }

    /// <summary>
    /// A user as a migration would write it. No e-mail address or name is shown (personal data): only whether the users
    /// file gives one.
    /// </summary>
    /// <param name="RoleFrom"><c>users file</c>, <c>records</c> (their most recent <c>metadata.role</c>), or null for no role.</param>
    /// <param name="RoleConflict">The distinct roles the user's records disagree on; null when they agree.</param>
    /// <param name="ProfileRow">The users file row (CSV: spreadsheet row; JSON: entry) that matched the user; null for none.</param>
    /// <param name="Problem">Why a migration would not migrate the user; null when it would.</param>
    public sealed record InspectedUser(string User, string ZepUserId, string? Role, string? RoleFrom, string? RoleConflict, int? ProfileRow,
        bool Email, bool Names, string? Problem);

    private sealed record InspectedUsers(IReadOnlyList<InspectedUser> Users, int UnmatchedRows);

    private static InspectedUsers InspectUsers(InspectionReport report, RoleTally roles, UsersFile? file, string? prefix)
    {
        var ids = report.Files.SelectMany(f => f.Users).Select(u => u.UserId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var resolution = UserDirectory.Resolve(ids, roles, file, prefix);
        var rows = file?.Rows.ToDictionary(r => r.Mem0UserId, StringComparer.Ordinal) ?? [];
        var users = ids.Select(id =>
        {
            var resolved = resolution.Users[id];
            var target = resolved.Target;
            var roleFrom = target.Role is null ? null : rows.TryGetValue(id, out var row) && row.Role is not null ? "users file" : "records";
            return new InspectedUser(id, target.ZepUserId, target.Role, roleFrom, resolved.RoleConflict, resolved.ProfileRow,
                target.Email is not null, target.FirstName is not null || target.LastName is not null, resolved.Failure);
        }).ToList();
        var known = ids.ToHashSet(StringComparer.Ordinal);
        return new InspectedUsers(users, file?.Rows.Count(r => !known.Contains(r.Mem0UserId)) ?? 0);
    }

    /// <summary>What the readers accept but Zep would refuse (CONTRACT §8): user ids over 500 characters.</summary>
    private static IEnumerable<string> ZepLimitProblems(InspectionReport report) =>
        report.Files.SelectMany(f => f.Users
            .Where(u => u.UserId.Length > Components.Staging.StagedItemFactory.MaxZepUserIdLength)
            .Select(u => $"{Path.GetFileName(f.Path)}: a user id of {u.UserId.Length} characters exceeds Zep's {Components.Staging.StagedItemFactory.MaxZepUserIdLength}; its {u.Memories + u.Messages} item(s) will fail"));

    private static string Shown(string userId) => userId.Length <= 60 ? userId : $"{userId[..40]}… ({userId.Length} characters)";

    private static void Print(InspectionReport report, InspectedUsers inspected, UsersFile? usersFile, TextWriter output)
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

        if (inspected.Users.Count > 0)
        {
            console.MarkupLine("[bold]Users as Zep gets them[/]");
            var table = new Table().AddColumns("user", "zep user", "role", "users file row", "e-mail", "names", "note");
            foreach (var u in inspected.Users)
            {
                var role = u.Role is null ? "" : $"{u.Role} ({u.RoleFrom})";
                var note = u.Problem ?? (u.RoleConflict is { } c ? $"records disagree on the role: {c}" : "");
                table.AddRow(Markup.Escape(Shown(u.User)), Markup.Escape(u.ZepUserId == u.User ? "(same)" : Shown(u.ZepUserId)), Markup.Escape(role),
                    u.ProfileRow is { } r ? $"{r}" : "", u.Email ? "yes" : "no", u.Names ? "yes" : "no", Markup.Escape(note));
            }
            console.Write(table);
        }
        if (usersFile is not null)
        {
            console.MarkupLine($"[bold]{Markup.Escape(usersFile.FileName)}[/]  {usersFile.Rows.Count} good row(s), {usersFile.Problems.Count} problem(s)" +
                               (inspected.UnmatchedRows > 0 ? $", {inspected.UnmatchedRows} row(s) match no user of the export" : ""));
            foreach (var problem in usersFile.Problems) console.MarkupLine($"  [red]problem[/] {Markup.Escape(usersFile.Describe(problem))}");
        }

        var limits = ZepLimitProblems(report).ToList();
        foreach (var problem in limits) console.MarkupLine($"  [red]problem[/] {Markup.Escape(problem)}");
        // A user not migrated because of its bad row is that row's problem, counted once.
        var badRowUsers = usersFile?.Problems.Where(p => p.Mem0UserId is not null).Select(p => p.Mem0UserId!).ToHashSet(StringComparer.Ordinal) ?? [];
        var userProblems = (usersFile?.Problems.Count ?? 0) + inspected.Users.Count(u => u.Problem is not null && !badRowUsers.Contains(u.User));
        console.MarkupLine($"[bold]{report.TotalItems}[/] items, [bold]{report.TotalProblems + limits.Count + userProblems}[/] problems in {report.Files.Count} file(s)");
    }
}
