using System.Text;
using Pixelated.MigrationPipeline.Components.Users;

namespace Pixelated.MigrationPipeline.Components.Tests;

public sealed class UsersFileReaderTests : IDisposable
{
    private const string Header = "mem0_user_id,zep_user_id,email,first_name,last_name,role";
    private readonly string _dir = Directory.CreateTempSubdirectory("users-file-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text, bool bom = false)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: bom));
        return path;
    }

    private UsersFile ReadCsv(params string[] lines) => UsersFileReader.Read(Write("users.csv", string.Join("\n", lines) + "\n"));

    private UsersFile ReadJson(string json) => UsersFileReader.Read(Write("users.json", json));

    private static UsersFileProblem SingleProblem(UsersFile file, int row, string field)
    {
        var problem = Assert.Single(file.Problems);
        Assert.Equal((row, field), (problem.Row, problem.Field));
        Assert.DoesNotContain(file.Rows, r => r.Row == row);
        return problem;
    }

    // ---- good files ----

    [Fact]
    public void A_good_csv_file_gives_every_row_trimmed_with_spreadsheet_row_numbers()
    {
        var file = ReadCsv(Header,
            " u1 , z1 , alex@example.org , Alex , Rivera , Patient ",
            "u2,,,,,",
            "u3,z3,sam@example.org,Sam,Okafor,THERAPIST");

        Assert.Equal("users.csv", file.FileName);
        Assert.Empty(file.Problems);
        Assert.Equal(
            [
                new UserProfileRow(2, "u1", "z1", "alex@example.org", "Alex", "Rivera", "patient"),
                new UserProfileRow(3, "u2", null, null, null, null, null),
                new UserProfileRow(4, "u3", "z3", "sam@example.org", "Sam", "Okafor", "therapist"),
            ],
            file.Rows);
        Assert.Equal(["z1", "u2", "z3"], file.Rows.Select(r => r.TargetZepUserId));
    }

    [Fact]
    public void Csv_columns_may_come_in_any_order_and_case_and_only_mem0_user_id_is_required()
    {
        var file = ReadCsv("Role,MEM0_USER_ID", "admin,u1");

        Assert.Empty(file.Problems);
        Assert.Equal(new UserProfileRow(2, "u1", null, null, null, null, "admin"), Assert.Single(file.Rows));
    }

    [Fact]
    public void A_csv_file_with_a_byte_order_mark_reads_its_first_column()
    {
        var file = UsersFileReader.Read(Write("users.csv", "mem0_user_id,email\r\nu1,a@example.org\r\n", bom: true));

        Assert.Empty(file.Problems);
        Assert.Equal("u1", Assert.Single(file.Rows).Mem0UserId);
    }

    [Fact]
    public void Quoted_csv_fields_may_hold_commas_and_doubled_quotes()
    {
        var file = ReadCsv(Header, "\"u,1\",,,\"Mary \"\"May\"\"\",\"O'Brien, Jr.\",");

        Assert.Empty(file.Problems);
        var row = Assert.Single(file.Rows);
        Assert.Equal(("u,1", "Mary \"May\"", "O'Brien, Jr."), (row.Mem0UserId, row.FirstName, row.LastName));
    }

    [Fact]
    public void A_quoted_value_over_several_lines_is_one_spreadsheet_row_and_a_blank_line_counts_as_a_row()
    {
        var file = ReadCsv(Header, "u1,,,\"Two\nLines\",,", "", "u2,,,,,");

        Assert.Equal(4, Assert.Single(file.Rows).Row);
        var problem = SingleProblem(file, 2, "first_name");
        Assert.Equal("contains a control character (line break, tab...)", problem.Reason);
    }

    [Fact]
    public void A_good_json_array_gives_every_user_numbered_by_position_and_null_is_absent()
    {
        var file = ReadJson("""
            [
              {"mem0_user_id": "u1", "zep_user_id": "z1", "email": "alex@example.org", "first_name": " Alex ", "last_name": "Rivera", "role": "patient"},
              {"mem0_user_id": "u2", "zep_user_id": null, "email": "", "role": "Support"}
            ]
            """);

        Assert.Equal("users.json", file.FileName);
        Assert.Empty(file.Problems);
        Assert.Equal(
            [
                new UserProfileRow(1, "u1", "z1", "alex@example.org", "Alex", "Rivera", "patient"),
                new UserProfileRow(2, "u2", null, null, null, null, "support"),
            ],
            file.Rows);
    }

    [Fact]
    public void A_json_object_with_a_users_array_is_read_like_the_array()
    {
        var file = ReadJson("""{"users": [{"mem0_user_id": "u1"}, {"mem0_user_id": "u2", "role": "admin"}]}""");

        Assert.Empty(file.Problems);
        Assert.Equal([1, 2], file.Rows.Select(r => r.Row));
    }

    [Fact]
    public void The_example_users_csv_fixture_reads_without_problems()
    {
        var file = UsersFileReader.Read(Path.Combine(AppContext.BaseDirectory, "Fixtures", "users.csv"));

        Assert.Empty(file.Problems);
        Assert.Equal(4, file.Rows.Count);
        Assert.Equal("Okafor, Jr.", file.Rows[1].LastName);
    }

    // ---- bad rows ----

    [Fact]
    public void When_mem0_user_id_is_empty_the_row_fails()
    {
        var file = ReadCsv(Header, "u1,,,,,", "  ,z2,,,,", "u3,,,,,");

        var problem = SingleProblem(file, 3, "mem0_user_id");
        Assert.Null(problem.Mem0UserId);
        Assert.Equal(["u1", "u3"], file.Rows.Select(r => r.Mem0UserId));
    }

    [Fact]
    public void When_a_json_user_has_no_mem0_user_id_it_fails()
    {
        var file = ReadJson("""[{"mem0_user_id": "u1"}, {"email": "a@example.org"}]""");

        SingleProblem(file, 2, "mem0_user_id");
    }

    [Fact]
    public void When_an_id_is_longer_than_500_characters_the_row_fails()
    {
        var file = ReadCsv(Header, $"{new string('a', 500)},,,,,", $"{new string('b', 501)},,,,,", $"u3,{new string('z', 501)},,,,");

        Assert.Equal(2, Assert.Single(file.Rows).Row);
        Assert.Equal([(3, "mem0_user_id", "longer than 500 characters"), (4, "zep_user_id", "longer than 500 characters")],
            file.Problems.Select(p => (p.Row, p.Field, p.Reason)));
        Assert.Equal([null, "u3"], file.Problems.Select(p => p.Mem0UserId));
    }

    [Fact]
    public void When_an_id_contains_a_control_character_the_row_fails()
    {
        var file = ReadJson("""[{"mem0_user_id": "u\u00001"}, {"mem0_user_id": "u2", "zep_user_id": "z\t2"}]""");

        Assert.Empty(file.Rows);
        Assert.Equal([(1, "mem0_user_id"), (2, "zep_user_id")], file.Problems.Select(p => (p.Row, p.Field)));
    }

    [Theory]
    [InlineData("not-an-address")]
    [InlineData("Jane Doe <jane@example.org>")]
    [InlineData("jane@")]
    [InlineData("two@at@example.org")]
    public void When_the_email_is_not_a_plain_valid_address_the_row_fails(string email)
    {
        var file = ReadCsv("mem0_user_id,email", "u1,ok@example.org", $"u2,\"{email}\"");

        var problem = SingleProblem(file, 3, "email");
        Assert.Equal("u2", problem.Mem0UserId);
        Assert.Equal("not a valid e-mail address (a plain address such as name@example.org, no display name)", problem.Reason);
    }

    [Fact]
    public void When_the_role_is_not_a_platform_role_the_row_fails()
    {
        var file = ReadCsv("mem0_user_id,role", "u1,superadmin", "u2,Therapist");

        var problem = SingleProblem(file, 2, "role");
        Assert.Equal("not one of patient, therapist, admin, support", problem.Reason);
        Assert.Equal("therapist", Assert.Single(file.Rows).Role);
    }

    [Fact]
    public void When_a_name_is_longer_than_200_characters_or_has_a_control_character_the_row_fails()
    {
        var file = ReadJson($$"""
            [
              {"mem0_user_id": "u1", "first_name": "{{new string('a', 200)}}", "last_name": "{{new string('b', 201)}}"},
              {"mem0_user_id": "u2", "first_name": "A\u0007lex"}
            ]
            """);

        Assert.Empty(file.Rows);
        Assert.Equal([(1, "last_name", "longer than 200 characters"), (2, "first_name", "contains a control character (line break, tab...)")],
            file.Problems.Select(p => (p.Row, p.Field, p.Reason)));
    }

    [Fact]
    public void When_a_json_value_is_not_a_string_its_field_fails()
    {
        var file = ReadJson("""
            [
              {"mem0_user_id": 42},
              {"mem0_user_id": "u2", "role": true, "email": {"address": "a@example.org"}},
              {"mem0_user_id": "u3", "first_name": ["A"]}
            ]
            """);

        Assert.Empty(file.Rows);
        Assert.Equal(
            [
                (1, "mem0_user_id", "a number, not a string (write the value in double quotes)"),
                (2, "email", "an object, not a string"),
                (2, "role", "a boolean, not a string (write the value in double quotes)"),
                (3, "first_name", "an array, not a string"),
            ],
            file.Problems.Select(p => (p.Row, p.Field, p.Reason)));
    }

    [Fact]
    public void When_a_json_user_names_a_field_twice_the_field_fails()
    {
        var file = ReadJson("""[{"mem0_user_id": "u1", "email": "a@example.org", "Email": "b@example.org"}]""");

        Assert.Equal(new UsersFileProblem(1, "u1", "email", "appears twice in the object"), SingleProblem(file, 1, "email"));
    }

    [Fact]
    public void An_unknown_property_of_the_json_root_object_is_a_problem_at_row_0()
    {
        var file = ReadJson("""{"version": 2, "users": [{"mem0_user_id": "u1"}]}""");

        Assert.Equal(new UsersFileProblem(0, null, "version", "unknown property of the root object (expected users)"), Assert.Single(file.Problems));
        Assert.Single(file.Rows);
    }

    [Fact]
    public void When_a_json_array_item_is_not_an_object_it_fails_as_a_row()
    {
        var file = ReadJson("""[{"mem0_user_id": "u1"}, "u2"]""");

        Assert.Equal("a string, not an object", SingleProblem(file, 2, "row").Reason);
    }

    [Fact]
    public void When_a_csv_row_has_a_different_number_of_fields_than_the_header_it_fails_as_a_row()
    {
        var file = ReadCsv("mem0_user_id,email", "u1,a@example.org", "u2,a@example.org,extra", "u3");

        Assert.Equal(2, Assert.Single(file.Rows).Row);
        Assert.Equal([(3, "row", "has 3 fields, the header has 2 fields"), (4, "row", "has 1 field, the header has 2 fields")],
            file.Problems.Select(p => (p.Row, p.Field, p.Reason)));
        Assert.All(file.Problems, p => Assert.Null(p.Mem0UserId));
    }

    [Fact]
    public void When_a_csv_row_has_malformed_quoting_it_fails_as_a_row()
    {
        var file = ReadCsv("mem0_user_id,last_name", "u1,O\"Brien", "u2,Lee");

        Assert.StartsWith("malformed quoting", SingleProblem(file, 2, "row").Reason);
    }

    [Fact]
    public void When_a_quote_is_never_closed_the_rest_of_the_file_is_one_bad_row()
    {
        var file = ReadCsv("mem0_user_id,last_name", "u1,Lee", "u2,\"Brien", "u3,Okafor");

        Assert.Equal(2, Assert.Single(file.Rows).Row);
        Assert.Equal((3, "row"), (Assert.Single(file.Problems).Row, file.Problems[0].Field));
    }

    [Fact]
    public void A_csv_header_with_malformed_quoting_cannot_be_read()
    {
        var e = Assert.Throws<UsersFileException>(() => ReadCsv("mem0_user_id,\"email", "u1,a@example.org"));

        Assert.StartsWith("users.csv row 1: the header has malformed quoting", e.Message);
    }

    [Fact]
    public void When_a_mem0_user_id_is_on_two_rows_every_row_of_it_fails()
    {
        var file = ReadCsv(Header, "u1,,,,,", "u2,,,,,", "u1,z9,,,,", "u3,,,,,", "u1,,,,,");

        Assert.Equal(["u2", "u3"], file.Rows.Select(r => r.Mem0UserId));
        Assert.Equal(
            [
                (2, "mem0_user_id", "the same mem0_user_id is also on rows 4, 6"),
                (4, "mem0_user_id", "the same mem0_user_id is also on rows 2, 6"),
                (6, "mem0_user_id", "the same mem0_user_id is also on rows 2, 4"),
            ],
            file.Problems.Select(p => (p.Row, p.Field, p.Reason)));
        Assert.All(file.Problems, p => Assert.Equal("u1", p.Mem0UserId));
    }

    [Fact]
    public void A_mem0_user_id_that_fails_on_one_row_still_makes_its_other_row_a_duplicate()
    {
        var file = ReadCsv("mem0_user_id,email", "u1,bad", "u1,a@example.org");

        Assert.Empty(file.Rows);
        Assert.Equal([(2, "mem0_user_id"), (2, "email"), (3, "mem0_user_id")], file.Problems.Select(p => (p.Row, p.Field)));
    }

    [Fact]
    public void When_two_mem0_ids_map_onto_one_zep_id_both_rows_fail()
    {
        var file = ReadCsv(Header, "u1,z1,,,,", "u2,shared,,,,", "u3,z3,,,,", "u4,shared,,,,");

        Assert.Equal(["u1", "u3"], file.Rows.Select(r => r.Mem0UserId));
        Assert.Equal(
            [
                (3, "u2", "zep_user_id", "two mem0 users would land on one Zep user: this zep_user_id is also the Zep user of row 5"),
                (5, "u4", "zep_user_id", "two mem0 users would land on one Zep user: this zep_user_id is also the Zep user of row 3"),
            ],
            file.Problems.Select(p => (p.Row, p.Mem0UserId, p.Field, p.Reason)));
    }

    [Fact]
    public void When_a_zep_id_is_another_rows_unmapped_mem0_id_both_rows_fail()
    {
        var file = ReadJson("""[{"mem0_user_id": "u1"}, {"mem0_user_id": "u2", "zep_user_id": "u1"}, {"mem0_user_id": "u3"}]""");

        Assert.Equal(3, Assert.Single(file.Rows).Row);
        Assert.Equal(
            [
                (1, "zep_user_id", "two mem0 users would land on one Zep user: this entry has no zep_user_id, so its mem0_user_id is its Zep user id, which is also the Zep user of entry 2"),
                (2, "zep_user_id", "two mem0 users would land on one Zep user: this zep_user_id is also the Zep user of entry 1"),
            ],
            file.Problems.Select(p => (p.Row, p.Field, p.Reason)));
    }

    [Fact]
    public void A_zep_id_that_is_another_rows_mem0_id_is_fine_when_that_row_maps_elsewhere()
    {
        var file = ReadCsv("mem0_user_id,zep_user_id", "u1,z1", "u2,u1", "u3,u3");

        Assert.Empty(file.Problems);
        Assert.Equal(["z1", "u1", "u3"], file.Rows.Select(r => r.TargetZepUserId));
    }

    [Fact]
    public void Ids_compare_case_sensitively()
    {
        var file = ReadCsv("mem0_user_id,zep_user_id", "u1,Z", "U1,z");

        Assert.Empty(file.Problems);
        Assert.Equal(2, file.Rows.Count);
    }

    // ---- columns ----

    [Fact]
    public void An_unknown_csv_column_is_one_problem_on_the_header_and_the_known_columns_are_still_read()
    {
        var file = ReadCsv("mem0_user_id,emial,role", "u1,a@example.org,patient", "u2,b@example.org,admin");

        var problem = Assert.Single(file.Problems);
        Assert.Equal(new UsersFileProblem(1, null, "emial", "unknown column (expected mem0_user_id, zep_user_id, email, first_name, last_name, role)"), problem);
        Assert.Equal([("u1", "patient", null), ("u2", "admin", null)], file.Rows.Select(r => (r.Mem0UserId, r.Role, r.Email)));
    }

    [Fact]
    public void An_unknown_json_property_is_one_problem_at_row_0_however_many_users_have_it()
    {
        var file = ReadJson("""[{"mem0_user_id": "u1", "emial": "a@example.org"}, {"mem0_user_id": "u2", "emial": "b@example.org"}]""");

        var problem = Assert.Single(file.Problems);
        Assert.Equal((0, "emial", "unknown column (expected mem0_user_id, zep_user_id, email, first_name, last_name, role)"), (problem.Row, problem.Field, problem.Reason));
        Assert.Equal(2, file.Rows.Count);
    }

    [Fact]
    public void A_csv_file_without_a_mem0_user_id_header_cannot_be_read()
    {
        var path = Write("users.csv", "u1,z1,a@example.org\nu2,z2,b@example.org\n");

        var e = Assert.Throws<UsersFileException>(() => UsersFileReader.Read(path));

        Assert.Equal("users.csv row 1: the header has no mem0_user_id column (the first row must name the columns, mem0_user_id among them)", e.Message);
        Assert.Equal("users.csv", e.FileName);
        Assert.DoesNotContain(_dir, e.Message);
    }

    [Fact]
    public void An_empty_csv_file_cannot_be_read()
    {
        var e = Assert.Throws<UsersFileException>(() => UsersFileReader.Read(Write("users.csv", "")));

        Assert.StartsWith("users.csv row 1: no header row", e.Message);
    }

    [Fact]
    public void A_csv_header_naming_a_column_twice_cannot_be_read()
    {
        var e = Assert.Throws<UsersFileException>(() => ReadCsv("mem0_user_id,email,Email", "u1,a@example.org,b@example.org"));

        Assert.Equal("users.csv row 1: the header names column email twice", e.Message);
    }

    // ---- files that cannot be read ----

    [Fact]
    public void Malformed_json_cannot_be_read_and_the_message_gives_the_position_but_not_the_text()
    {
        var path = Write("users.json", "[\n  {\"mem0_user_id\": \"u1\", \"email\": jane.doe@example.org}\n]");

        var e = Assert.Throws<UsersFileException>(() => UsersFileReader.Read(path));

        Assert.StartsWith("users.json line 2, byte ", e.Message);
        Assert.EndsWith(": not valid JSON", e.Message);
        Assert.DoesNotContain("jane", e.Message);
        Assert.Null(e.InnerException);
    }

    [Theory]
    [InlineData("\"users\"", "users.json: the root is a string, not an array of users or {\"users\": [...]}")]
    [InlineData("{\"people\": []}", "users.json: the root object has no users property (the file must be an array of users or {\"users\": [...]})")]
    [InlineData("{\"users\": {\"mem0_user_id\": \"u1\"}}", "users.json, field users: an object, not an array (the file must be an array of users or {\"users\": [...]})")]
    public void A_json_root_that_is_neither_an_array_nor_a_users_array_cannot_be_read(string json, string message)
    {
        var e = Assert.Throws<UsersFileException>(() => ReadJson(json));

        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void A_file_that_is_neither_csv_nor_json_is_refused_by_name()
    {
        var path = Write("users.xlsx", "mem0_user_id\nu1\n");

        var e = Assert.Throws<UsersFileException>(() => UsersFileReader.Read(path));

        Assert.Equal("users.xlsx: a users file must be a .csv or a .json file", e.Message);
    }

    [Fact]
    public void A_missing_file_cannot_be_read()
    {
        var e = Assert.Throws<UsersFileException>(() => UsersFileReader.Read(Path.Combine(_dir, "missing.csv")));

        Assert.Equal("missing.csv cannot be read: no such file", e.Message);
    }

    [Fact]
    public void A_file_that_is_not_utf8_cannot_be_read_and_the_message_gives_the_line()
    {
        var path = Path.Combine(_dir, "users.csv");
        File.WriteAllBytes(path, [.. "mem0_user_id,last_name\nu1,M"u8, 0xFC, .. "ller\n"u8]);

        var e = Assert.Throws<UsersFileException>(() => UsersFileReader.Read(path));

        Assert.Equal("users.csv line 2: not UTF-8 text (save the file as UTF-8)", e.Message);
    }

    // ---- privacy and wording ----

    [Fact]
    public void No_problem_reason_holds_an_email_a_name_a_role_or_an_id_of_the_file()
    {
        var longFirst = "Margarethe" + new string('x', 200);
        var file = ReadCsv(Header,
            $"patient-7781,,jane.doe(at)clinic.example,{longFirst},Okonkwo\u0001Smith,psychiatrist",
            "patient-7781,shared-zep,\"Jane Doe <jane.doe@clinic.example>\",Jane,Doe,patient",
            "patient-9902,shared-zep,,,,");

        Assert.Empty(file.Rows);
        Assert.NotEmpty(file.Problems);
        string[] values = ["jane", "Jane", "Doe", "clinic", "Margarethe", "Okonkwo", "Smith", "psychiatrist", "patient-7781", "patient-9902", "shared-zep"];
        foreach (var problem in file.Problems)
        foreach (var value in values)
        {
            Assert.DoesNotContain(value, problem.Reason);
            Assert.DoesNotContain(value, problem.Field);
            Assert.DoesNotContain(value, problem.Describe(file.FileName));
        }
        Assert.Equal(
            [(2, "mem0_user_id"), (2, "email"), (2, "first_name"), (2, "last_name"), (2, "role"), (3, "mem0_user_id"), (3, "zep_user_id"), (3, "email"), (4, "zep_user_id")],
            file.Problems.Select(p => (p.Row, p.Field)));
    }

    [Fact]
    public void A_problem_is_described_by_file_row_and_field()
    {
        var problem = new UsersFileProblem(4, "u3", "email", "not a valid e-mail address");

        Assert.Equal("users.csv row 4, field email: not a valid e-mail address", problem.Describe("users.csv"));
        Assert.Equal("users.json entry 4, field email: not a valid e-mail address", problem.Describe("users.json"));
        Assert.Equal("users.json, field emial: unknown column", new UsersFileProblem(0, null, "emial", "unknown column").Describe("users.json"));
    }

    [Theory]
    [InlineData("patient", "patient")]
    [InlineData(" Therapist ", "therapist")]
    [InlineData("ADMIN", "admin")]
    [InlineData("support", "support")]
    [InlineData("doctor", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void PlatformRoles_normalizes_a_role_to_the_platform_role_or_null(string? value, string? expected)
    {
        Assert.Equal(expected, PlatformRoles.Normalize(value));
        Assert.Equal(["patient", "therapist", "admin", "support"], PlatformRoles.All);
    }
}
