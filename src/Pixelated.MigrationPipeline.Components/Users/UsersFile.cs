namespace Pixelated.MigrationPipeline.Components.Users;

/// <summary>
/// A users file as read by <see cref="UsersFileReader"/>: its good rows and every problem found. A row with a problem is
/// not in <see cref="Rows"/>; a problem of the whole file (an unknown column) leaves the rows in.
/// </summary>
/// <param name="FileName">The file's name, without its directory.</param>
/// <param name="Rows">The good rows, in file order.</param>
/// <param name="Problems">The problems, by row, in file order.</param>
public sealed record UsersFile(string FileName, IReadOnlyList<UserProfileRow> Rows, IReadOnlyList<UsersFileProblem> Problems);
