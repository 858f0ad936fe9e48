namespace Pixelated.MigrationPipeline.Components.Users;

/// <summary>A users-file problem as one line an operator reads.</summary>
public static class UsersFileProblemText
{
    /// <summary>
    /// E.g. <c>users.csv row 4, field email: not a valid e-mail address</c>; for a JSON file <c>users.json entry 4, ...</c>,
    /// and for a problem of a whole JSON file (row 0) <c>users.json, field emial: ...</c>. Holds no value of the file.
    /// </summary>
    public static string Describe(this UsersFileProblem problem, string fileName)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var isJson = fileName.EndsWith(".json", StringComparison.OrdinalIgnoreCase);
        var where = problem.Row <= 0 ? fileName : $"{fileName} {(isJson ? "entry" : "row")} {problem.Row}";
        return $"{where}, field {problem.Field}: {problem.Reason}";
    }

    /// <summary><see cref="Describe(UsersFileProblem, string)"/> with the file's own name.</summary>
    public static string Describe(this UsersFile file, UsersFileProblem problem)
    {
        ArgumentNullException.ThrowIfNull(file);
        return problem.Describe(file.FileName);
    }
}
