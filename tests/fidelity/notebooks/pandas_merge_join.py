# ruff: noqa
# Combining tables: merge on keys, concat with keys, a MultiIndex, join and melt.
import numpy as np
import pandas as pd

# %%
employees = pd.DataFrame(
    {
        "employee": ["Bob", "Jake", "Lisa", "Sue"],
        "group": ["Accounting", "Engineering", "Engineering", "HR"],
    }
)
hires = pd.DataFrame(
    {"employee": ["Lisa", "Bob", "Jake", "Sue"], "hire_date": [2004, 2008, 2012, 2014]}
)
staff = pd.merge(employees, hires)
supervisors = pd.DataFrame(
    {"group": ["Accounting", "Engineering", "HR"], "supervisor": ["Carly", "Guido", "Steve"]}
)
full = staff.merge(supervisors, on="group", how="left")
# %%
salaries = pd.DataFrame(
    {"name": ["Bob", "Jake", "Lisa", "Tom"], "salary": [70000, 80000, 120000, np.nan]}
)
outer = pd.merge(full, salaries, left_on="employee", right_on="name", how="outer", indicator=True)
stacked = pd.concat([employees, employees.assign(group="Ops")], keys=["2023", "2024"])
# %%
long = outer.melt(id_vars=["employee"], value_vars=["hire_date", "salary"])
wide = long.pivot(index="employee", columns="variable", values="value")
by_group = full.set_index(["group", "employee"]).sort_index()
