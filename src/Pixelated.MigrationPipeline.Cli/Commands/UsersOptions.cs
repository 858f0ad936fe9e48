using System.CommandLine;
using Pixelated.MigrationPipeline.Components.Users;

namespace Pixelated.MigrationPipeline.Cli.Commands;

/// <summary>The users file and user prefix options of <c>migrate</c> and <c>inspect</c>, and their up-front check.</summary>
internal static class UsersOptions
{
    public static Option<string?> UsersFile() => new("--users")
    {
        Description = "Users file (.csv with a header row, or .json): mem0_user_id, zep_user_id, email, first_name, last_name, role",
    };

    public static Option<string?> UserPrefix() => new("--user-prefix")
    {
        Description = "Put before the mem0 id of every user the users file does not map (the Zep user id becomes PREFIX + mem0 id)",
    };

    public static Option<bool> UpdateUsers() => new("--update-users")
    {
        Description = "Patch users that already exist in Zep to the planned role, e-mail and names (otherwise they keep what they have)",
    };

    /// <summary>The longest user prefix: a Zep user id holds at most 500 characters, prefix included.</summary>
    public const int MaxPrefixLength = UserDirectory.MaxZepUserIdLength - 1;

    /// <summary>
    /// Reads the users file (if any) before anything starts: null with an error line when it cannot be read at all, or when
    /// the prefix is unusable. Bad rows do not stop anything (they become failed items of the run); they are counted on
    /// <paramref name="error"/>. The messages name the file and where, never a value of it.
    /// </summary>
    public static async Task<(bool Ok, UsersFile? File)> CheckAsync(string? usersFile, string? userPrefix, TextWriter error, bool warn = true)
    {
        if (userPrefix is { } prefix && (prefix.Length > MaxPrefixLength || prefix.Any(char.IsControl)))
        {
            await error.WriteLineAsync($"error: --user-prefix must be at most {MaxPrefixLength} characters without control characters");
            return (false, null);
        }
        if (string.IsNullOrEmpty(usersFile)) return (true, null);
        try
        {
            var file = UsersFileReader.Read(usersFile);
            if (warn && file.Problems.Count > 0)
                await error.WriteLineAsync(
                    $"warning: users file {usersFile}: {file.Problems.Count} problem(s); a user whose row is bad is not migrated (its items fail with the reason)");
            return (true, file);
        }
        catch (UsersFileException e)
        {
            await error.WriteLineAsync($"error: users file {usersFile}: {e.Message}");
            return (false, null);
        }
    }
}
