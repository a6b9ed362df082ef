; Inno Setup script of the FieldSurvey installer for Windows (Inno Setup 6).
; Built by `python scripts/build_bundle.py` on Windows, which passes the version and the
; bundle folder:  iscc /DAppVersion=0.1.0 /DBundleDir=...\FieldSurvey-0.1.0 /DOutputDir=... fieldsurvey.iss
; Per-user, without administrator rights: installs to %LOCALAPPDATA%\Programs\FieldSurvey and
; adds a Start-menu entry. The app keeps its data in %LOCALAPPDATA%\FieldSurvey (the app's
; own default, fieldsurvey/commands/common.py); uninstalling leaves that data in place.

#ifndef AppVersion
  #error Pass /DAppVersion=X.Y.Z (scripts/build_bundle.py does)
#endif
#ifndef BundleDir
  #error Pass /DBundleDir=path\to\FieldSurvey-X.Y.Z
#endif
#ifndef OutputDir
  #define OutputDir "."
#endif

[Setup]
AppId={{6F1C2A5E-3B7D-4E8A-9C41-F1E1D5A0C0DE}
AppName=FieldSurvey 入户走访
AppVersion={#AppVersion}
AppPublisher=FieldSurvey
DefaultDirName={autopf}\FieldSurvey
DefaultGroupName=FieldSurvey 入户走访
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir={#OutputDir}
OutputBaseFilename=FieldSurvey-{#AppVersion}-setup
SetupIconFile=..\icons\fieldsurvey.ico
UninstallDisplayIcon={app}\FieldSurvey.exe
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern

[Languages]
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
Name: "english"; MessagesFile: "compiler:Default.isl"

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\FieldSurvey 入户走访"; Filename: "{app}\FieldSurvey.exe"
Name: "{group}\{cm:UninstallProgram,FieldSurvey}"; Filename: "{uninstallexe}"

[Registry]
; `fieldsurvey` in a console: the install folder on the user's PATH (fieldsurvey.com is found before .exe).
Root: HKCU; Subkey: "Environment"; ValueType: expandsz; ValueName: "Path"; ValueData: "{olddata};{app}"; Check: NeedsAddPath(ExpandConstant('{app}'))

[Run]
Filename: "{app}\FieldSurvey.exe"; Description: "{cm:LaunchProgram,FieldSurvey}"; Flags: nowait postinstall skipifsilent

[Code]
function NeedsAddPath(Dir: string): Boolean;
var
  Paths: string;
begin
  if not RegQueryStringValue(HKEY_CURRENT_USER, 'Environment', 'Path', Paths) then
  begin
    Result := True;
    exit;
  end;
  Result := Pos(';' + Uppercase(Dir) + ';', ';' + Uppercase(Paths) + ';') = 0;
end;
