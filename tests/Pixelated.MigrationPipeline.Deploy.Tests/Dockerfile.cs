using System.Text.RegularExpressions;

namespace Pixelated.MigrationPipeline.Deploy.Tests;

/// <summary>A Dockerfile as instructions (continuations joined, comments dropped), split into its stages.</summary>
internal sealed record Instruction(string Keyword, string Arguments);

internal sealed partial class Dockerfile
{
    public required List<List<Instruction>> Stages { get; init; }

    public List<Instruction> Final => Stages[^1];

    public static Dockerfile Parse(string text)
    {
        var instructions = new List<Instruction>();
        var pending = "";
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (pending.Length == 0 && line.TrimStart().StartsWith('#')) continue;
            if (pending.Length > 0 && line.TrimStart().StartsWith('#')) continue; // comments inside a continuation
            if (line.EndsWith('\\'))
            {
                pending += line[..^1] + " ";
                continue;
            }
            var full = (pending + line).Trim();
            pending = "";
            if (full.Length == 0) continue;
            var space = full.IndexOfAny([' ', '\t']);
            instructions.Add(space < 0 ? new Instruction(full.ToUpperInvariant(), "") : new Instruction(full[..space].ToUpperInvariant(), full[(space + 1)..].Trim()));
        }
        var stages = new List<List<Instruction>>();
        foreach (var i in instructions)
        {
            if (i.Keyword == "FROM") stages.Add([]);
            if (stages.Count == 0) continue; // ARG before the first FROM
            stages[^1].Add(i);
        }
        return new Dockerfile { Stages = stages };
    }

    /// <summary>The promises of deploy/docker: what is wrong with this file (empty: nothing).</summary>
    public List<string> Problems()
    {
        var problems = new List<string>();
        if (Stages.Count < 2) problems.Add("not multi-stage: one FROM");
        else
        {
            if (!Stages[0][0].Arguments.Contains("dotnet/sdk")) problems.Add("the first stage does not build with the .NET SDK image");
            if (!Final.Any(i => i.Keyword == "COPY" && i.Arguments.Contains("--from="))) problems.Add("the final stage copies nothing from the build stage");
        }
        if (Stages.Count > 0 && !Regex.IsMatch(Final[0].Arguments, @"dotnet/(aspnet|runtime|runtime-deps):")) problems.Add("the final stage is not a .NET runtime image");
        if (Stages.Count > 0 && Final[0].Arguments.Contains("dotnet/sdk")) problems.Add("the final stage is the SDK image");

        var users = Stages.Count == 0 ? [] : Final.Where(i => i.Keyword == "USER").ToList();
        if (users.Count == 0) problems.Add("no USER in the final stage: the container runs as root");
        else if (users[^1].Arguments.Split(':')[0] is "root" or "0" or "") problems.Add($"USER {users[^1].Arguments} is root");

        var checks = Stages.Count == 0 ? [] : Final.Where(i => i.Keyword == "HEALTHCHECK").ToList();
        if (checks.Count != 1) problems.Add($"{checks.Count} HEALTHCHECK instructions in the final stage (one expected: a CMD, or NONE said on purpose)");
        else if (checks[0].Arguments != "NONE" && !HealthCmd().IsMatch(checks[0].Arguments)) problems.Add($"HEALTHCHECK {checks[0].Arguments} is neither NONE nor a CMD");

        if (!(Stages.Count > 0 && Final.Any(i => i.Keyword == "ENTRYPOINT" && i.Arguments.StartsWith('[')))) problems.Add("no exec-form ENTRYPOINT in the final stage");

        foreach (var i in Stages.SelectMany(s => s).Where(i => i.Keyword is "ENV" or "ARG"))
            foreach (Match m in Assignment().Matches(i.Arguments))
                if (SecretName().IsMatch(m.Groups[1].Value) && m.Groups[2].Value.Length > 0)
                    problems.Add($"{i.Keyword} {m.Groups[1].Value} bakes a secret-like value into the image");
        return problems;
    }

    /// <summary>The path a <c>HEALTHCHECK ... CMD wget ... http://127.0.0.1:PORT/path</c> asks for, or null (NONE).</summary>
    public string? HealthPath => Final.Where(i => i.Keyword == "HEALTHCHECK").Select(i => HealthUrl().Match(i.Arguments)).FirstOrDefault(m => m.Success)?.Groups[2].Value;

    public int? HealthPort => Final.Where(i => i.Keyword == "HEALTHCHECK").Select(i => HealthUrl().Match(i.Arguments)).FirstOrDefault(m => m.Success) is { } m ? int.Parse(m.Groups[1].Value) : null;

    public string? Env(string name) => Final.Where(i => i.Keyword == "ENV").SelectMany(i => Assignment().Matches(i.Arguments)).LastOrDefault(m => m.Groups[1].Value == name)?.Groups[2].Value;

    [GeneratedRegex(@"^(--\S+\s+)*CMD\s+\S")]
    private static partial Regex HealthCmd();

    [GeneratedRegex(@"http://127\.0\.0\.1:(\d+)(/[^\s|;""']*)")]
    private static partial Regex HealthUrl();

    [GeneratedRegex(@"([A-Za-z_][A-Za-z0-9_]*)=(""[^""]*""|\S*)")]
    private static partial Regex Assignment();

    [GeneratedRegex("(?i)(password|secret|token|api_?key|connectionstrings)")]
    private static partial Regex SecretName();
}
