namespace Pixelated.MigrationPipeline.Components.Users;

/// <summary>
/// Something wrong in a users file. <see cref="Reason"/> never holds a value from the file (no e-mail address, name,
/// role or id): the privacy rule of health data. The mem0 user id, when the row has a usable one, is in
/// <see cref="Mem0UserId"/> only.
/// </summary>
/// <param name="Row">
/// The row, numbered as <see cref="UserProfileRow.Row"/> (CSV: spreadsheet row, header = 1; JSON: 1-based position in the
/// array). A problem of the whole file, such as an unknown column, has the header's row (1) in a CSV file and 0 in a JSON file.
/// </param>
/// <param name="Mem0UserId">The row's mem0 user id when it has a valid one; otherwise null.</param>
/// <param name="Field">The column (JSON property) the problem is in, or <c>row</c> when it is the row as a whole.</param>
/// <param name="Reason">What is wrong, without the value.</param>
public sealed record UsersFileProblem(int Row, string? Mem0UserId, string Field, string Reason);
