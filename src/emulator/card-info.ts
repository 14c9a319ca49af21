import { createHash } from 'node:crypto';

/** An obviously synthetic person: every document the sandbox "reads" belongs to SANDBOX TESTER. */
export interface SyntheticPerson {
  firstName: string;
  lastName: string;
  fullName: string;
  sex: 'M';
  birthday: string;
  idNumber: string;
  address: string;
  issuedDate: string;
  expiryDate: string;
}

/** The synthetic person for a session; the ID number (`SBX` + 9 digits) is derived from the seed, so it is stable. */
export function syntheticPerson(seed: string): SyntheticPerson {
  const digits = createHash('sha256').update(seed).digest().readUInt32BE(0) % 1_000_000_000;
  return {
    firstName: 'SANDBOX',
    lastName: 'TESTER',
    fullName: 'SANDBOX TESTER',
    sex: 'M',
    birthday: '1990-01-01',
    idNumber: `SBX${String(digits).padStart(9, '0')}`,
    address: '1 SANDBOX STREET, TEST CITY',
    issuedDate: '2020-01-01',
    expiryDate: '2030-01-01',
  };
}

const dmy = (iso: string): string => iso.split('-').reverse().join('-');
const dmySlash = (iso: string): string => iso.split('-').reverse().join('/');

/** The fields of one document type, filled in for the synthetic person. */
type DocumentFields = (p: SyntheticPerson) => Record<string, unknown>;

/** Documents whose fields are the same in `NormalCardInfo` and in the legacy `CardInfo`. */
const SHARED_DOCUMENTS = {
  PhilippinesVoteID: (p) => ({
    VIN: p.idNumber,
    FirstName: p.firstName,
    LastName: p.lastName,
    Birthday: p.birthday,
    CivilStatus: 'SINGLE',
    Citizenship: 'SANDBOX',
    Address: p.address,
    PrecinctNo: '0000A',
  }),
  PhilippinesDrivingLicense: (p) => ({
    Name: p.fullName,
    LastName: p.lastName,
    FirstName: p.firstName,
    MiddleName: '',
    Nationality: 'SBX',
    Sex: p.sex,
    Address: p.address,
    LicenseNo: p.idNumber,
    ExpiresDate: p.expiryDate,
    AgencyCode: 'SBX',
    Birthday: p.birthday,
  }),
  PhilippinesTinID: (p) => ({
    LicenseNumber: p.idNumber,
    FullName: p.fullName,
    Address: p.address,
    Birthday: p.birthday,
    IssueDate: p.issuedDate,
  }),
  PhilippinesSSSID: (p) => ({ LicenseNumber: p.idNumber, FullName: p.fullName, Birthday: p.birthday }),
  PhilippinesUMID: (p) => ({
    Surname: p.lastName,
    MiddleName: '',
    GivenName: p.firstName,
    Sex: p.sex,
    Birthday: p.birthday,
    Address: p.address,
    CRN: p.idNumber,
  }),
  InternationalIDPassport: (p) => ({
    LicenseNumber: p.idNumber,
    FullName: p.fullName,
    Surname: p.lastName,
    GivenName: p.firstName,
    Birthday: p.birthday,
    Sex: p.sex,
    DateOfExpiration: p.expiryDate,
    IssuingCountry: 'SBX',
    NationalityCode: 'SBX',
    PassportCodeFirst: `P<SBX${p.lastName}<<${p.firstName}`.padEnd(44, '<'),
    PassportCodeSecond: `${p.idNumber}<0SBX9001014M3001014`.padEnd(44, '<'),
  }),
  GeneralCard: (p) => ({
    LicenseNumber: p.idNumber,
    PersonalNumber: p.idNumber,
    PassportCodeFirst: '',
    PassportCodeSecond: '',
    ExpirationDate: p.expiryDate,
    DueDate: p.expiryDate,
    IssuedDate: p.issuedDate,
    IssuedAuthority: 'SANDBOX AUTHORITY',
    IssuedCountry: 'SBX',
    FullName: p.fullName,
    FirstName: p.firstName,
    LastName: p.lastName,
    Sex: p.sex,
    Age: '0',
    Birthday: p.birthday,
    BirthPlace: 'TEST CITY',
    Nationality: 'SBX',
    RegistrationNumber: p.idNumber,
    Address: {
      Country: 'SBX',
      PostalCode: '000000',
      Subdivision: 'SANDBOX',
      City: 'TEST CITY',
      FormattedAddress: p.address,
      LineOne: '1 SANDBOX STREET',
      LineTwo: 'TEST CITY',
      LineThree: '',
      LineFour: '',
      LineFive: '',
    },
    FullNameLocal: p.fullName,
    FirstNameLocal: p.firstName,
    LastNameLocal: p.lastName,
  }),
  IndonesiaDrivingLicense: (p) => ({
    LastName: p.lastName,
    FirstName: p.firstName,
    LicenseNumber: p.idNumber,
    Birthday: p.birthday,
    Address: p.address,
    ExpirationDate: p.expiryDate,
    IssuedDate: p.issuedDate,
    IssuedCountry: 'IDN',
  }),
  SingaporeIDCard: (p) => ({
    ChName: '',
    ChineseName: '',
    EnName: p.fullName,
    FullName: p.fullName,
    ID: p.idNumber,
    LicenseNumber: p.idNumber,
    Sex: p.sex,
    CountryOfBirth: 'SANDBOX',
    Nationality: 'SBX',
    Birthday: p.birthday,
    Address: p.address,
    Race: 'SANDBOX',
    NRICCode: p.idNumber,
    PostCode: '000000',
    DateOfExpiration: p.expiryDate,
    DateOfIssue: p.issuedDate,
  }),
  MacaoIDCard: (p) => ({
    FirstName: p.firstName,
    LastName: p.lastName,
    Birthday: p.birthday,
    ExpirationDate: p.expiryDate,
    LicenseNumber: p.idNumber,
    Sex: p.sex,
    Age: '0',
    IssuedCountry: 'MAC',
    Field1: '',
    Field2: '',
  }),
  JapanIDCard: (p) => ({
    FullName: p.fullName,
    LicenseNumber: p.idNumber,
    Age: '0',
    Birthday: p.birthday,
    ExpirationDate: p.expiryDate,
    FormattedAddress: p.address,
  }),
  TaiWanIDCard: (p) => ({
    FullName: p.fullName,
    LicenseNumber: p.idNumber,
    Sex: p.sex,
    IssuedCountry: 'TWN',
    RegistrationNumber: p.idNumber,
  }),
} satisfies Record<string, DocumentFields>;

/** The documents of FaceID's `NormalCardInfo` union (the current OCR result shape). */
const NORMAL_DOCUMENTS = {
  ...SHARED_DOCUMENTS,
  HKIDCard: (p) => ({
    ChineseName: '',
    FullName: p.fullName,
    RegistrationNumber: '0000 0000 0000',
    Sex: p.sex,
    Birthday: dmy(p.birthday),
    Permanent: '1',
    LicenseNumber: p.idNumber,
    Symbol: '***AZ',
    IssuedDate: dmy(p.issuedDate),
    CurrentIssueDate: dmy(p.issuedDate),
    HKIDVersion: 'HKID-2018',
  }),
  MLIDCard: (p) => ({
    FullName: p.fullName,
    LicenseNumber: p.idNumber,
    Sex: 'LELAKI',
    FormattedAddress: p.address,
    Type: 'MyKad',
    Birthday: p.birthday,
  }),
  IndonesiaIDCard: (p) => ({
    LicenseNumber: p.idNumber,
    FullName: p.fullName,
    Birthday: p.birthday,
    Sex: 'LAKI-LAKI',
    BloodType: '-',
    FormattedAddress: p.address,
    Street: '1 SANDBOX STREET',
    Village: 'SANDBOX',
    Area: 'SANDBOX',
    Religion: 'SANDBOX',
    MaritalStatus: 'BELUM KAWIN',
    Occupation: 'TESTER',
    Nationality: 'WNI',
    DueDate: 'SEUMUR HIDUP',
    IssuedDate: p.issuedDate,
    Province: 'SANDBOX',
    City: 'TEST CITY',
  }),
  ThailandIDCard: (p) => ({
    LicenseNumber: p.idNumber,
    FullName: p.fullName,
    LastName: p.lastName,
    FirstName: p.firstName,
    Birthday: p.birthday,
    FormattedAddress: p.address,
    ExpirationDate: p.expiryDate,
    IssuedDate: p.issuedDate,
    RegistrationNumber: p.idNumber,
    Religion: 'SANDBOX',
    ThaiBirthday: p.birthday,
    ThaiExpirationDate: p.expiryDate,
    ThaiIssueDate: p.issuedDate,
  }),
  MainlandIDCard: (p) => ({
    FullName: p.fullName,
    Sex: p.sex,
    Nation: 'SANDBOX',
    Birthday: p.birthday,
    Address: '',
    LicenseNumber: p.idNumber,
    FormattedAddress: p.address,
  }),
  HMTPermitCard: (p) => ({
    Name: p.fullName,
    EnglishName: p.fullName,
    Number: p.idNumber,
    Sex: p.sex,
    ValidDate: `${p.issuedDate}-${p.expiryDate}`,
    IssueAuthority: 'SANDBOX AUTHORITY',
    IssueAddress: 'TEST CITY',
    Birthday: p.birthday,
  }),
} satisfies Record<string, DocumentFields>;

/** The fields the Bangladesh, Pakistan and Nigeria documents share in the legacy `CardInfo`. */
function licenceHolder(p: SyntheticPerson, issuedCountry: string): Record<string, unknown> {
  return {
    LastName: p.lastName,
    FirstName: p.firstName,
    LicenseNumber: p.idNumber,
    Age: '0',
    Birthday: p.birthday,
    IssuedCountry: issuedCountry,
  };
}

/** The documents of FaceID's legacy `CardInfo` union (GetCardVerificationResult, and the OCR JSON file). */
const LEGACY_DOCUMENTS = {
  ...SHARED_DOCUMENTS,
  HKIDCard: (p) => ({
    CnName: '',
    EnName: p.fullName,
    TelexCode: '0000 0000 0000',
    Sex: p.sex,
    Birthday: dmy(p.birthday),
    Permanent: '1',
    IdNum: p.idNumber,
    Symbol: '***AZ',
    FirstIssueDate: dmySlash(p.issuedDate),
    CurrentIssueDate: dmy(p.issuedDate),
  }),
  MLIDCard: (p) => ({
    Name: p.fullName,
    ID: p.idNumber,
    Sex: 'LELAKI',
    Address: p.address,
    Type: 'MyKad',
    Birthday: p.birthday,
  }),
  IndonesiaIDCard: (p) => ({
    NIK: p.idNumber,
    Nama: p.fullName,
    TempatTglLahir: `TEST CITY, ${dmy(p.birthday)}`,
    JenisKelamin: 'LAKI-LAKI',
    GolDarah: '-',
    Alamat: '1 SANDBOX STREET',
    RTRW: '000/000',
    KelDesa: 'SANDBOX',
    Kecamatan: 'SANDBOX',
    Agama: 'SANDBOX',
    StatusPerkawinan: 'BELUM KAWIN',
    Perkerjaan: 'TESTER',
    KewargaNegaraan: 'WNI',
    BerlakuHingga: 'SEUMUR HIDUP',
    IssuedDate: dmy(p.issuedDate),
    Provinsi: 'SANDBOX',
    Kota: 'TEST CITY',
  }),
  ThailandIDCard: (p) => ({
    LastName: p.lastName,
    FirstName: p.firstName,
    LicenseNumber: p.idNumber,
    DateOfBirth: p.birthday,
    DateOfExpiry: p.expiryDate,
    DateOfIssue: p.issuedDate,
    IssuedCountry: 'THA',
  }),
  BangladeshIDCard: (p) => licenceHolder(p, 'BGD'),
  PakistanIDCard: (p) => licenceHolder(p, 'PAK'),
  PakistanDrivingLicense: (p) => licenceHolder(p, 'PAK'),
  NigeriaIDCard: (p) => ({ ...licenceHolder(p, 'NGA'), Sex: p.sex }),
  NigeriaDrivingLicense: (p) => ({
    ...licenceHolder(p, 'NGA'),
    ExpirationDate: p.expiryDate,
    IssuedDate: p.issuedDate,
    Sex: p.sex,
  }),
} satisfies Record<string, DocumentFields>;

/** One key of the NormalCardInfo union. */
export type NormalCardKind = keyof typeof NORMAL_DOCUMENTS;
/** Keys of FaceID's `NormalCardInfo` union. */
export const NORMAL_CARD_KINDS = Object.keys(NORMAL_DOCUMENTS) as NormalCardKind[];

/** One key of the legacy CardInfo union. */
export type CardInfoKind = keyof typeof LEGACY_DOCUMENTS;
/** Keys of FaceID's legacy `CardInfo` union. */
export const CARD_INFO_KINDS = Object.keys(LEGACY_DOCUMENTS) as CardInfoKind[];

/** `NormalCardInfo` with exactly one document type filled in for the synthetic person. */
export function normalCardInfo(kind: NormalCardKind, p: SyntheticPerson): Record<string, unknown> {
  return { [kind]: NORMAL_DOCUMENTS[kind](p) };
}

/** Legacy `CardInfo` with exactly one document type filled in for the synthetic person. */
export function legacyCardInfo(kind: CardInfoKind, p: SyntheticPerson): Record<string, unknown> {
  return { [kind]: LEGACY_DOCUMENTS[kind](p) };
}

/** The ApplySdkVerificationToken `IdCardType`s not spelled as their `NormalCardInfo` key. */
const SDK_CARD_KINDS: Readonly<Record<string, NormalCardKind>> = {
  HK: 'HKIDCard',
  ML: 'MLIDCard',
  MLIDPassport: 'InternationalIDPassport',
  HMTPermit: 'HMTPermitCard',
};

/** The `NormalCardInfo` key for an ApplySdkVerificationToken `IdCardType` (default `HK`). */
export function normalKindForSdkCardType(idCardType: string | undefined): NormalCardKind {
  const type = idCardType ?? 'HK';
  return SDK_CARD_KINDS[type] ?? (type as NormalCardKind);
}

/** The `CardInfo` key, sub-type and reported nationality/type for a card verification request (AUTO reads as IDN ID). */
export function cardKindFor(
  nationality: string,
  cardType: string,
): { kind: CardInfoKind; nationality: string; cardType: string; subType: string } {
  const nat = nationality === 'AUTO' ? 'IDN' : nationality;
  const type = cardType === 'AUTO' ? 'ID_CARD' : cardType;
  if (type === 'PASSPORT')
    return { kind: 'InternationalIDPassport', nationality: nat, cardType: type, subType: 'E_PASSPORT' };
  if (type === 'DRIVING_LICENSE') {
    const kinds: Record<string, CardInfoKind> = {
      IDN: 'IndonesiaDrivingLicense',
      NGA: 'NigeriaDrivingLicense',
      PAK: 'PakistanDrivingLicense',
    };
    return { kind: kinds[nat] ?? 'GeneralCard', nationality: nat, cardType: type, subType: 'REGULAR_DRIVING_LICENSE' };
  }
  const ids: Record<string, CardInfoKind> = {
    IDN: 'IndonesiaIDCard',
    HKG: 'HKIDCard',
    THA: 'ThailandIDCard',
    MYS: 'MLIDCard',
    SGP: 'SingaporeIDCard',
    JPN: 'JapanIDCard',
    TWN: 'TaiWanIDCard',
    BGD: 'BangladeshIDCard',
    NGA: 'NigeriaIDCard',
    PAK: 'PakistanIDCard',
  };
  return { kind: ids[nat] ?? 'GeneralCard', nationality: nat, cardType: type, subType: 'NATIONAL_ID' };
}
