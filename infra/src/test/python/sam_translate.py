"""The SAM transform as `sam validate` runs it, without an AWS account.

Usage: python3 sam_translate.py TEMPLATE OUTPUT [Name=Value ...]

Like sam validate (samcli.lib.translate.sam_template_validator), it points every local CodeUri, ContentUri and
DefinitionUri at a placeholder S3 URI, then runs aws-sam-translator's Translator with the given parameter values
(none: the defaults), and writes those values as the parameters' defaults. The managed policy map is empty: the template's policies are all inline, and a managed
policy name would fail the transform here rather than pass. Writes the CloudFormation template as JSON to OUTPUT;
exits 1 naming every problem the translator found.
"""
import json
import sys

import boto3
from samtranslator.model.exceptions import InvalidDocumentException
from samtranslator.parser.parser import Parser
from samtranslator.translator.translator import Translator
from samtranslator.yaml_helper import yaml_parse

PLACEHOLDER_URI = "s3://bucket/value"
LOCAL_URIS = {
    "AWS::Serverless::Function": "CodeUri",
    "AWS::Serverless::LayerVersion": "ContentUri",
    "AWS::Serverless::Api": "DefinitionUri",
    "AWS::Serverless::HttpApi": "DefinitionUri",
    "AWS::Serverless::StateMachine": "DefinitionUri",
}


# Parameters the translator resolves itself (samtranslator resolves Tracing's Ref to decide on TracingConfig and the
# X-Ray policy).
RESOLVED_BY_SAM = {"Tracing"}

ALWAYS_HAS_URI = {"AWS::Serverless::Function", "AWS::Serverless::LayerVersion"}


def replace_local_uris(template):
    for resource in template.get("Resources", {}).values():
        kind = resource.get("Type")
        key = LOCAL_URIS.get(kind)
        if key is None:
            continue
        properties = resource.setdefault("Properties", {})
        if key not in properties and kind not in ALWAYS_HAS_URI:
            continue
        value = properties.get(key, ".")
        # An intrinsic (a dict) or an S3 URI is left as it is.
        if isinstance(value, str) and not value.startswith("s3://"):
            properties[key] = PLACEHOLDER_URI


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        template = yaml_parse(f.read())
    parameters = dict(arg.split("=", 1) for arg in argv[3:])
    replace_local_uris(template)
    translator = Translator(
        managed_policy_map=None,
        sam_parser=Parser(),
        plugins=[],
        boto_session=boto3.session.Session(region_name="us-east-1"),
    )
    try:
        translated = translator.translate(
            sam_template=template, parameter_values=parameters, get_managed_policy_map=lambda: {}
        )
    except InvalidDocumentException as e:
        print(str(e), file=sys.stderr)
        for cause in e.causes:
            print("  " + str(cause), file=sys.stderr)
        return 1
    # The values given become the defaults, so that cfn-lint checks the template CloudFormation would be handed for
    # this deployment. A parameter SAM reads itself is only valid with the value it was read with: SAM writes no
    # TracingConfig for Tracing=Disabled, and a Ref to that value would be no tracing mode.
    for name, value in parameters.items():
        declaration = translated.get("Parameters", {}).get(name, {})
        declaration["Default"] = value
        if name in RESOLVED_BY_SAM:
            declaration["AllowedValues"] = [value]
    with open(argv[2], "w", encoding="utf-8") as f:
        json.dump(translated, f, indent=1, sort_keys=False)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
