using Customer360Portal.Cli.Commands;

namespace Customer360Portal.Cli.Tests.Commands;

/// <summary>How <c>c360 link</c> reads person records: values as text, trimmed, empty cells null.</summary>
public sealed class PersonCsvFileTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("c360-personcsv-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(root, recursive: true); } catch (IOException) { }
    }

    private static readonly Dictionary<PersonFieldKind, string> FebrlFields = new()
    {
        [PersonFieldKind.FirstName] = "given_name", [PersonFieldKind.LastName] = "surname", [PersonFieldKind.StreetNumber] = "street_number",
        [PersonFieldKind.Street] = "address_1", [PersonFieldKind.Locality] = "address_2", [PersonFieldKind.City] = "suburb",
        [PersonFieldKind.Postcode] = "postcode", [PersonFieldKind.State] = "state", [PersonFieldKind.Dob] = "date_of_birth",
        [PersonFieldKind.NationalId] = "soc_sec_id",
    };

    [Fact]
    public async Task FebrlLayout_CommaSpaceSeparatedWithSpacedHeaders_ReadsTrimmedTextKeepingLeadingZeros()
    {
        var path = Path.Combine(root, "febrl.csv");
        await File.WriteAllTextAsync(path,
            "rec_id, given_name, surname, street_number, address_1, address_2, suburb, postcode, state, date_of_birth, soc_sec_id\n" +
            "rec-1-org, , waller, 6, tullaroop street, willaroo, st james, 0811, wa, 19081209, 0988048\n" +
            "rec-1-dup-0, jo ann, o'brien, , \"main road, north\", , bittern, 4814, qld, 19990219, 7364009\n");

        var file = await PersonCsvFile.ReadAsync(path, "febrl.csv", "rec_id", FebrlFields, separator: null, skipBadRows: false, CancellationToken.None);

        Assert.Equal(',', file.Separator);
        Assert.Equal(11, file.Columns);
        var first = file.Records[0];
        Assert.Equal("febrl.csv", first.Source);
        Assert.Equal("rec-1-org", first.RecordId);
        Assert.Null(first.GivenName);
        Assert.Equal("waller", first.FamilyName);
        Assert.Equal("6", first.StreetNumber);
        Assert.Equal("tullaroop street", first.Street);
        Assert.Equal("willaroo", first.Locality);
        Assert.Equal("st james", first.City);
        Assert.Equal("0811", first.Postcode);
        Assert.Equal("wa", first.State);
        Assert.Equal("19081209", first.DateOfBirth);
        Assert.Equal("0988048", first.NationalId);
        Assert.Null(first.Email);
        var second = file.Records[1];
        Assert.Equal("jo ann", second.GivenName);
        Assert.Equal("o'brien", second.FamilyName);
        Assert.Null(second.StreetNumber);
        Assert.Equal("main road, north", second.Street);
        Assert.Null(second.Locality);
    }

    [Fact]
    public async Task EveryKind_MapsToItsProperty()
    {
        var kinds = Enum.GetValues<PersonFieldKind>();
        var path = Path.Combine(root, "all.csv");
        await File.WriteAllTextAsync(path, "id," + string.Join(",", kinds) + "\n1," + string.Join(",", kinds.Select(k => "v-" + k)) + "\n");

        var file = await PersonCsvFile.ReadAsync(path, "all.csv", "id", kinds.ToDictionary(k => k, k => k.ToString()), null, false, CancellationToken.None);

        var r = file.Records.Single();
        IEnumerable<string?> expected =
            ["v-FirstName", "v-LastName", "v-FullName", "v-Dob", "v-Email", "v-Phone", "v-StreetNumber", "v-Street", "v-AddressLine",
             "v-Locality", "v-City", "v-Postcode", "v-State", "v-Country", "v-Gender", "v-NationalId", "v-AccountId"];
        IEnumerable<string?> actual =
            [r.GivenName, r.FamilyName, r.FullName, r.DateOfBirth, r.Email, r.Phone, r.StreetNumber, r.Street, r.AddressLine,
             r.Locality, r.City, r.Postcode, r.State, r.Country, r.Gender, r.NationalId, r.AccountId];
        Assert.Equal(expected, actual);
        Assert.Equal(kinds.Length, PersonFieldKinds.All.Count);
    }

    [Fact]
    public async Task UnclosedQuote_StopsEvenWhenSkippingBadRows()
    {
        var path = Path.Combine(root, "quote.csv");
        await File.WriteAllTextAsync(path, "id,name\n1,ann\n2,\"bob\n3,cy\n");

        var e = await Assert.ThrowsAsync<LinkInputException>(() => PersonCsvFile.ReadAsync(path, "quote.csv", "id",
            new Dictionary<PersonFieldKind, string> { [PersonFieldKind.FullName] = "name" }, null, skipBadRows: true, CancellationToken.None));

        Assert.Equal(1, e.ExitCode);
        Assert.Contains("quote.csv line 3: a quoted field is never closed", e.Message);
        Assert.DoesNotContain("bob", e.Message);
    }
}
