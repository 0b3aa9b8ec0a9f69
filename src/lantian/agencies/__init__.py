"""Testing-agency filing (检测机构备案): the agency's information, staff, instruments and documents,
reviewed by the bureau."""
